/** The server's configuration: immutable records, validated once at start-up, passed down. */
package dev.uptake.server.config;
