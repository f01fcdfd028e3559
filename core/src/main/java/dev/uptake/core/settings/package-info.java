/**
 * A workspace's settings: tiers, lifecycle stages, custom account dimensions, session timeout,
 * idle threshold and time zone; {@link dev.uptake.core.settings.SettingsValidator} refuses an
 * invalid set naming the field.
 */
package dev.uptake.core.settings;
