using K8Posture.Data;
using K8Posture.Features.Vex;
using K8Posture.Security;

namespace K8Posture.ComponentTests.Features.Vex;

public sealed class FindingVexPanelFacts
{
    private static Finding NewFinding(FindingResolution resolution, long? statementId) => new()
    {
        Fingerprint = new string('f', 64),
        ContentHash = new string('c', 64),
        Source = "trivy",
        ScopeKey = "image:alpine",
        Category = FindingCategory.Vulnerability,
        Severity = FindingSeverity.High,
        Title = "CVE-2023-3446 in libssl3",
        VulnerabilityId = "CVE-2023-3446",
        Resolution = resolution,
        VexStatementId = statementId,
    };

    [Fact]
    public async Task A_not_affected_finding_shows_the_statement_with_its_justification_author_time_and_document()
    {
        await using var portal = new TestPortal();
        long statementId;
        await using (var db = portal.CreateSystemContext())
        {
            var document = new VexDocument
            {
                DocumentId = "https://openvex.dev/docs/public/vex-d4e9",
                Format = VexFormat.OpenVex,
                Version = 3,
                Author = "The OpenVEX Project <openvex@openssf.org>",
                LoadedAt = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero),
                LoadedBy = "key:release-bot",
                PayloadSha256 = new string('0', 64),
                Statements =
                [
                    new VexStatement
                    {
                        VulnerabilityId = "CVE-2023-3446",
                        ProductId = "pkg:oci/alpine@sha256%3A124c",
                        Subcomponents = "pkg:apk/alpine/libssl3@3.0.8-r3",
                        Status = VexStatus.NotAffected,
                        Justification = "vulnerable_code_not_present",
                        ImpactStatement = "affected functions were removed before packaging",
                        Timestamp = new DateTimeOffset(2023, 7, 18, 0, 28, 47, TimeSpan.Zero),
                    },
                ],
            };
            db.VexDocuments.Add(document);
            await db.SaveChangesAsync();
            statementId = document.Statements[0].Id;
        }
        portal.SignIn("ana", Roles.SecurityAnalyst);

        var cut = portal.Context.Render<FindingVexPanel>(p => p.Add(x => x.Finding, NewFinding(FindingResolution.NotAffected, statementId)));

        cut.WaitForAssertion(() => Assert.Contains("vulnerable_code_not_present", cut.Find("[data-testid=finding-vex]").TextContent));
        var text = cut.Find("[data-testid=finding-vex]").TextContent;
        Assert.Contains("Not affected", text);
        Assert.Contains("affected functions were removed before packaging", text);
        Assert.Contains("The OpenVEX Project <openvex@openssf.org>", text);
        Assert.Contains("2023-07-18 00:28 UTC", text);
        Assert.Contains("https://openvex.dev/docs/public/vex-d4e9 (OpenVEX, version 3)", text);
        Assert.Contains("pkg:oci/alpine@sha256%3A124c (pkg:apk/alpine/libssl3@3.0.8-r3)", text);
        Assert.Contains("key:release-bot", text);
    }

    [Fact]
    public async Task A_finding_without_a_VEX_verdict_shows_no_VEX_section()
    {
        await using var portal = new TestPortal();
        portal.SignIn("ana", Roles.SecurityAnalyst);

        var cut = portal.Context.Render<FindingVexPanel>(p => p.Add(x => x.Finding, NewFinding(FindingResolution.None, null)));

        Assert.Empty(cut.FindAll("[data-testid=finding-vex]"));
    }
}
