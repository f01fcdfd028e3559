package dev.uptake.server.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Alerts in words: the line an alert's {@code summary} and its Slack message say. */
final class AlertMessages {

  private AlertMessages() {}

  /** "Acme Corp: no activity for 7 days (rule “Quiet Gold accounts”)". */
  static String line(AlertRule rule, String accountName, String accountId, String workspaceName) {
    String who = accountId == null ? "Workspace " + workspaceName : accountName != null ? accountName : accountId;
    return who + ": " + rule.describe() + " (rule “" + rule.name() + "”)";
  }

  /** Slack's incoming-webhook JSON: the line, with the account's name linked to its page. */
  static String slack(JsonNode alert, String appUrl, ObjectMapper json) {
    JsonNode account = alert.path("account");
    String text;
    if (account.isObject() && appUrl != null) {
      String name = account.path("name").isTextual() ? account.path("name").asText() : account.path("id").asText();
      String link = appUrl.replaceAll("/+$", "") + "/accounts/"
          + URLEncoder.encode(account.path("id").asText(), StandardCharsets.UTF_8).replace("+", "%20");
      text = "<" + link + "|" + escape(name) + ">: " + escape(alert.path("condition").asText()) + " (rule “"
          + escape(alert.path("ruleName").asText()) + "”)";
    } else {
      text = escape(alert.path("summary").asText());
    }
    return json.createObjectNode().put("text", ":rotating_light: " + text).toString();
  }

  /** Slack's mrkdwn escapes only &, < and >. */
  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
