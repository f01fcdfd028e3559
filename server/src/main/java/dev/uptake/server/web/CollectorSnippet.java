package dev.uptake.server.web;

/**
 * The snippet a site pastes to load the browser collector ({@code /uptake.js}): it defines {@code
 * uptake} at once, queuing calls until the script has loaded (as Segment's snippet does), loads
 * the script without blocking the page, and calls {@code init}.
 */
public final class CollectorSnippet {

  static final String METHODS = "[\"init\",\"identify\",\"group\",\"setModule\",\"feature\",\"page\"]";

  private CollectorSnippet() {}

  /**
   * @param baseUrl where this Uptake is reached ({@code https://uptake.example.com}); the script comes
   *     from there, and its events go there
   * @param initOptions {@code init}'s argument as a JavaScript object ({@code {writeKey: "…"}})
   */
  public static String of(String baseUrl, String initOptions) {
    return "<script>\n"
        + "!function(){var u=window.uptake=window.uptake||{q:[]};if(u.loaded)return;u.q=u.q||[];\n"
        + METHODS + ".forEach(function(m){u[m]=u[m]||function(){u.q.push([m,[].slice.call(arguments)])}});\n"
        + "var s=document.createElement(\"script\");s.async=true;s.src=\"" + baseUrl + "/uptake.js\";"
        + "document.head.appendChild(s)}();\n"
        + "uptake.init(" + initOptions + ");\n"
        + "</script>";
  }

  /** The snippet with the workspace's write key and the defaults. */
  public static String forWorkspace(String baseUrl, String writeKey) {
    return of(baseUrl, "{writeKey: \"" + writeKey + "\"}");
  }
}
