using System.Globalization;
using System.Text.Json;

namespace K8Posture.Benchmarks;

/// <summary>A Trivy-shaped image report; revision 1 changes the severity of every 10th finding, drops every 100th and adds as many new ones.</summary>
internal static class SyntheticTrivyReport
{
    private static readonly string[] Severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];

    public static byte[] Build(int count, int revision, string createdAt)
    {
        using var buffer = new MemoryStream();
        Write(buffer, count, revision, createdAt);
        return buffer.ToArray();
    }

    /// <summary>The same report written to <paramref name="stream"/> as it is built (a 1,000,000-finding report is ~770 MB).</summary>
    public static void Write(Stream stream, int count, int revision, string createdAt)
    {
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("SchemaVersion", 2);
            json.WriteStartObject("Trivy");
            json.WriteString("Version", "0.72.0");
            json.WriteEndObject();
            json.WriteString("CreatedAt", createdAt);
            json.WriteString("ArtifactName", "registry.example.com/bench/app:1.0.0");
            json.WriteString("ArtifactType", "container_image");
            json.WriteStartArray("Results");
            json.WriteStartObject();
            json.WriteString("Target", "registry.example.com/bench/app:1.0.0 (debian 12.5)");
            json.WriteString("Class", "os-pkgs");
            json.WriteString("Type", "debian");
            json.WriteStartArray("Vulnerabilities");
            for (var i = 0; i < count; i++)
            {
                var removed = revision == 1 && i % 100 == 0;
                var index = removed ? count + i : i;
                var severity = Severities[index % Severities.Length];
                if (revision == 1 && i % 10 == 5)
                {
                    severity = Severities[(index + 1) % Severities.Length];
                }
                var package = "pkg" + (index % 997).ToString(CultureInfo.InvariantCulture);
                var version = "1." + (index / 997).ToString(CultureInfo.InvariantCulture) + ".0";
                var cve = "CVE-2025-" + (10000 + index).ToString(CultureInfo.InvariantCulture);
                json.WriteStartObject();
                json.WriteString("VulnerabilityID", cve);
                json.WriteString("PkgName", package);
                json.WriteStartObject("PkgIdentifier");
                json.WriteString("PURL", $"pkg:deb/debian/{package}@{version}?arch=amd64&distro=debian-12.5");
                json.WriteEndObject();
                json.WriteString("InstalledVersion", version);
                json.WriteString("FixedVersion", version + "+deb12u1");
                json.WriteString("Status", "fixed");
                json.WriteString("SeveritySource", "nvd");
                json.WriteString("PrimaryURL", "https://avd.aquasec.com/nvd/" + cve.ToLowerInvariant());
                json.WriteString("Title", $"{package}: synthetic flaw number {index} allows something bad");
                json.WriteString("Description", $"A synthetic description for {cve} in {package} {version}, long enough to look like a real advisory text that explains impact, attack vector and affected versions in a sentence or two.");
                json.WriteString("Severity", severity);
                json.WriteStartArray("CweIDs");
                json.WriteStringValue("CWE-787");
                json.WriteEndArray();
                json.WriteStartObject("CVSS");
                json.WriteStartObject("nvd");
                json.WriteString("V3Vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
                json.WriteNumber("V3Score", 9.8);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteStartArray("References");
                json.WriteStringValue("https://nvd.nist.gov/vuln/detail/" + cve);
                json.WriteEndArray();
                json.WriteEndObject();
                if (json.BytesPending > 1024 * 1024)
                {
                    json.Flush();
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
    }
}
