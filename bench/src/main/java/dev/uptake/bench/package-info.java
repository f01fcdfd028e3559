/**
 * Benchmarks: a load generator that drives a real Uptake server over HTTP with realistic Segment
 * traffic, and the suite that measures ingest, its ceilings, freshness, processing and memory in
 * one run. Never part of the test run's timing.
 */
package dev.uptake.bench;
