using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using K8Posture.Data;

namespace K8Posture.Features.Remediation;

public sealed record BreachLine(long FindingId, FindingSeverity Severity, string Title, string? Where, DateTimeOffset DueAt, int DaysOverdue, string? Assignee);

/// <summary>One team's SLA-breach digest: the breaches this target has not been told about, and how many are overdue in all.</summary>
public sealed record TeamDigest(string TeamName, IReadOnlyList<BreachLine> NewBreaches, int TotalOverdue, string QueueUrl, DateTimeOffset At)
{
    /// <summary>Lines listed in a message; the rest are counted.</summary>
    public const int MaxLines = 25;

    public string Subject => $"[K8Posture] {TeamName}: {NewBreaches.Count} finding(s) newly past their SLA ({TotalOverdue} overdue in all)";

    private IEnumerable<BreachLine> Listed => NewBreaches.OrderByDescending(b => b.Severity).ThenByDescending(b => b.DaysOverdue).Take(MaxLines);

    private int Unlisted => Math.Max(0, NewBreaches.Count - MaxLines);

    private static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Line(BreachLine b) =>
        $"{b.Severity} · {b.Title}{(b.Where is null ? "" : " · " + b.Where)} · due {Day(b.DueAt)} ({b.DaysOverdue} day(s) overdue){(b.Assignee is null ? "" : " · " + b.Assignee)}";

    public string PlainText()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{NewBreaches.Count} finding(s) of team {TeamName} passed their SLA due date; {TotalOverdue} are overdue in all.\n\n");
        foreach (var b in Listed)
        {
            text.Append("- ").Append(Line(b)).Append('\n');
        }
        if (Unlisted > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"… and {Unlisted} more.\n");
        }
        text.Append("\nYour team's queue: ").Append(QueueUrl).Append('\n');
        return text.ToString();
    }

    public string Html()
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p>{NewBreaches.Count} finding(s) of team <b>{WebUtility.HtmlEncode(TeamName)}</b> passed their SLA due date; {TotalOverdue} are overdue in all.</p><ul>");
        foreach (var b in Listed)
        {
            html.Append("<li>").Append(WebUtility.HtmlEncode(Line(b))).Append("</li>");
        }
        html.Append("</ul>");
        if (Unlisted > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>… and {Unlisted} more.</p>");
        }
        html.Append("<p><a href=\"").Append(WebUtility.HtmlEncode(QueueUrl)).Append("\">Open your team's queue</a></p>");
        return html.ToString();
    }

    /// <summary>Slack incoming webhook: <c>text</c> (notifications, fallback) and Block Kit <c>blocks</c>; mrkdwn control characters escaped.</summary>
    public JsonObject SlackMessage()
    {
        static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
        var lines = string.Join('\n', Listed.Select(b => "• " + Escape(Line(b))));
        if (Unlisted > 0)
        {
            lines += $"\n… and {Unlisted} more.";
        }
        return new JsonObject
        {
            ["text"] = Subject,
            ["blocks"] = new JsonArray(
                new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Clip($"SLA breaches · {TeamName}", 150) } },
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Clip($"*{NewBreaches.Count}* finding(s) newly past their SLA; *{TotalOverdue}* overdue in all.", 3000) } },
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Clip(lines.Length == 0 ? "-" : lines, 3000) } },
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = $"<{Escape(QueueUrl)}|Open your team's queue>" } }),
        };
    }

    /// <summary>Teams incoming webhook (Office 365 connector MessageCard).</summary>
    public JsonObject TeamsMessageCard() => new()
    {
        ["@type"] = "MessageCard",
        ["@context"] = "https://schema.org/extensions",
        ["summary"] = Subject,
        ["themeColor"] = "D13438",
        ["title"] = $"SLA breaches · {TeamName}",
        ["text"] = $"{NewBreaches.Count} finding(s) newly past their SLA; {TotalOverdue} overdue in all." + (Unlisted > 0 ? $" The {MaxLines} most severe are listed; {Unlisted} more in the queue." : ""),
        ["sections"] = new JsonArray(new JsonObject
        {
            ["facts"] = new JsonArray(Listed.Select(b => (JsonNode)new JsonObject
            {
                ["name"] = $"{b.Severity} · due {Day(b.DueAt)}",
                ["value"] = $"{b.Title}{(b.Where is null ? "" : " · " + b.Where)} ({b.DaysOverdue} day(s) overdue){(b.Assignee is null ? "" : " · " + b.Assignee)}",
            }).ToArray()),
        }),
        ["potentialAction"] = new JsonArray(new JsonObject
        {
            ["@type"] = "OpenUri",
            ["name"] = "Open your team's queue",
            ["targets"] = new JsonArray(new JsonObject { ["os"] = "default", ["uri"] = QueueUrl }),
        }),
    };

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
