package io.baton.broker.placement;

import io.baton.broker.control.AppProfile;

/** A service to place: whose it is and the profile it was deployed under (its quotas). */
public record Demand(String clientId, AppProfile profile) {
}
