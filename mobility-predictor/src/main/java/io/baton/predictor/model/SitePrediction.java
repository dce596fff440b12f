package io.baton.predictor.model;

/** One model's view of one candidate next site: a weight in [0, 1] and the expected ETA (-1: no idea). */
public record SitePrediction(String siteId, double probability, long etaMs) {
}
