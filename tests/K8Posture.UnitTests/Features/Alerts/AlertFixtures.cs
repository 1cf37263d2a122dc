using K8Posture.Features.Alerts.Parsing;

namespace K8Posture.UnitTests.Features.Alerts;

internal static class AlertFixtures
{
    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", relativePath));

    public static AlertPayloadParser Parser { get; } = new([new StackRoxAlertParser(), new StackRoxSplunkViolationsParser(), new CrowdStrikeAlertParser(), new FalcoAlertParser()]);

    public static AlertParseResult Parse(string relativePath) => Parser.Parse(Read(relativePath));

    public static AlertParseResult ParseText(string json) => Parser.Parse(System.Text.Encoding.UTF8.GetBytes(json));
}
