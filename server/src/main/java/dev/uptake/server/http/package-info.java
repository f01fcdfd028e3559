/**
 * Ingestion over HTTP: every sender's endpoint ({@code /v1/...}), sender authentication, request
 * bodies, and the one place errors become JSON ({@link dev.uptake.server.http.ApiError}).
 */
package dev.uptake.server.http;
