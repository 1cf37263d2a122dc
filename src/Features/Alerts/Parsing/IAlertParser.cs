using K8Posture.Shared.Http;
using System.Text.Json;

namespace K8Posture.Features.Alerts.Parsing;

/// <summary>Per-push parsing state: events that were well-formed but are not alerts (e.g. CrowdStrike audit events).</summary>
public sealed class AlertParseContext
{
    public int Ignored { get; set; }
}

/// <summary>
/// Reads one sensor's alert JSON. Works on one top-level item (one object, one array element or one NDJSON line);
/// an item may hold several alerts (a StackRox alerts list). Stateless singletons, tried in registration order.
/// </summary>
public interface IAlertParser
{
    /// <summary>Cheap shape check of one item; never throws.</summary>
    bool CanParse(JsonElement item);

    /// <summary>The batch's format name for a payload whose first item is <paramref name="item"/>.</summary>
    string FormatOf(JsonElement item, bool ndjson);

    /// <exception cref="K8Posture.Features.Ingestion.ScanParseException">Malformed alert, with a JSON pointer.</exception>
    /// <exception cref="ProblemException">A well-formed payload that is not a runtime alert.</exception>
    IEnumerable<ParsedAlert> Parse(JsonElement item, string pointer, AlertParseContext context);
}
