/** The {@code uptake} command line (picocli): {@code serve} and the {@code workspace} commands. */
package dev.uptake.server.cli;
