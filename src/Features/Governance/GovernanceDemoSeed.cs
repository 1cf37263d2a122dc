using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Demo;
using K8Posture.Features.Raci;
using K8Posture.Features.Tenancy;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Governance;

/// <summary>
/// The demo's governance: a RACI matrix for the demo organisation in two versions (the second fixes one gap and leaves one
/// deliberate violation: two accountable parties for registry egress), and tenancy assessments — one approved that fits,
/// one approved that does not fit where the application runs (a finding), one waiting for approval, one overdue.
/// Everything goes through the services, so versions, audit events and findings are the real ones.
/// </summary>
public sealed class GovernanceDemoSeed : IDemoSeedContributor
{
    public int Order => 100;

    private static ClaimsPrincipal Person(string name, string role, int? teamId = null) => DemoPersonas.Person(name, role, teamId);

    public async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        Dictionary<string, int> teams;
        Dictionary<string, int> units;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.RaciVersions.AnyAsync(cancellationToken) || await db.TenancyAssessments.AnyAsync(cancellationToken))
            {
                return;
            }
            teams = await db.Teams.ToDictionaryAsync(t => t.Name, t => t.Id, cancellationToken);
            units = await db.BusinessUnits.ToDictionaryAsync(u => u.Name, u => u.Id, cancellationToken);
        }
        var admin = Person("Ada Admin", Roles.SecurityAdmin);
        var analyst = Person("Sam Analyst", Roles.SecurityAnalyst);
        Task Raci(ClaimsPrincipal person, Func<RaciService, ClaimsPrincipal, Task> act) => DemoPersonas.ActAsync(services, person, act);
        Task<T> Tenancy<T>(ClaimsPrincipal person, Func<TenancyService, ClaimsPrincipal, Task<T>> act) => DemoPersonas.ActAsync(services, person, act);
        Task TenancyAct(ClaimsPrincipal person, Func<TenancyService, ClaimsPrincipal, Task> act) => DemoPersonas.ActAsync(services, person, act);

        var matrix = DemoMatrix(teams, units);
        await Raci(admin, (raci, me) => raci.SaveNewVersionAsync(me, matrix, "Initial RACI agreed in the platform governance board", null, cancellationToken));
        matrix.Set("secrets-management", "security", RaciRole.Accountable | RaciRole.Consulted);
        matrix.Set("secrets-management", "cloud-platform", RaciRole.Responsible);
        await Raci(admin, (raci, me) => raci.SaveNewVersionAsync(me, matrix, "Secrets management: Security is accountable, Cloud Platform runs the vault", 1, cancellationToken));

        if (teams.TryGetValue("Payroll", out var payroll))
        {
            var person = Person("Priya Shah", Roles.AppTeamMember, payroll);
            var id = await Tenancy(person, (tenancy, me) => tenancy.CreateDraftAsync(me, "payroll-engine", payroll, new TenancyAnswers
            {
                DataClasses = [DataClass.Hr, DataClass.Pii],
                Regulations = [Regulation.Gdpr, Regulation.DataResidency],
                ResidencyRegion = "EU",
                Autonomy = BusinessAutonomy.Federated,
                BlastRadius = BlastRadius.BusinessUnit,
            }, cancellationToken));
            await TenancyAct(person, (tenancy, me) => tenancy.SubmitAsync(me, id, cancellationToken));
            await TenancyAct(analyst, (tenancy, me) => tenancy.ApproveAsync(me, id, "HR data stays on the HR cluster in North Europe.", cancellationToken));
        }
        if (teams.TryGetValue("Payments", out var payments))
        {
            var person = Person("Paul Novak", Roles.AppTeamMember, payments);
            var id = await Tenancy(person, (tenancy, me) => tenancy.CreateDraftAsync(me, "payments-api", payments, new TenancyAnswers
            {
                VendorProduct = "FraudShield runtime agent",
                VendorNeedsHighPrivileges = true,
                DataClasses = [DataClass.Cardholder, DataClass.Finance, DataClass.Pii],
                Regulations = [Regulation.PciDss, Regulation.Gdpr, Regulation.Sox],
                BlastRadius = BlastRadius.Enterprise,
                RuntimeNeeds = [RuntimeNeed.HostAccess],
            }, cancellationToken));
            await TenancyAct(person, (tenancy, me) => tenancy.SubmitAsync(me, id, cancellationToken));
            await TenancyAct(analyst, (tenancy, me) => tenancy.ApproveAsync(me, id, "Dedicated cluster required: the fraud agent needs host access next to cardholder data. Move off prod-aks-weu.", cancellationToken));
        }
        if (teams.TryGetValue("Campaigns", out var campaigns))
        {
            var person = Person("Carla Diaz", Roles.AppTeamMember, campaigns);
            var id = await Tenancy(person, (tenancy, me) => tenancy.CreateDraftAsync(me, "campaign-manager", campaigns, new TenancyAnswers
            {
                VendorProduct = "MarTech Suite 7",
                KnownInsecureStack = true,
                DataClasses = [DataClass.Pii],
                Regulations = [Regulation.Gdpr],
                Autonomy = BusinessAutonomy.Autonomous,
                BlastRadius = BlastRadius.BusinessUnit,
            }, cancellationToken));
            await TenancyAct(person, (tenancy, me) => tenancy.SubmitAsync(me, id, cancellationToken));
        }
        if (teams.TryGetValue("Storefront", out var storefront))
        {
            var person = Person("Stella Berg", Roles.AppTeamMember, storefront);
            var id = await Tenancy(person, (tenancy, me) => tenancy.CreateDraftAsync(me, "web-shop", storefront, new TenancyAnswers
            {
                DataClasses = [DataClass.Public, DataClass.Internal],
                BlastRadius = BlastRadius.BusinessUnit,
            }, cancellationToken));
            await TenancyAct(person, (tenancy, me) => tenancy.SubmitAsync(me, id, cancellationToken));
            await TenancyAct(admin, (tenancy, me) => tenancy.ApproveAsync(me, id, "Public catalogue only; standard shared cluster is fine.", cancellationToken));
            // Decided over a year ago: its re-assessment is overdue.
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var assessment = await db.TenancyAssessments.FirstAsync(a => a.Id == id, cancellationToken);
            var decided = DateTimeOffset.UtcNow.AddMonths(-13);
            assessment.CreatedAt = assessment.UpdatedAt = decided.AddDays(-3);
            assessment.SubmittedAt = decided.AddDays(-2);
            assessment.ReviewedAt = decided;
            assessment.ReassessDueAt = decided.AddMonths(12);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static RaciMatrix DemoMatrix(Dictionary<string, int> teams, Dictionary<string, int> units)
    {
        var matrix = RaciDefaults.Matrix();
        matrix.Parties =
        [
            new() { Key = "security", Name = "Security Team", Kind = RaciPartyKind.Role },
            new() { Key = "cloud-platform", Name = "Cloud Platform", Kind = RaciPartyKind.Role },
            new() { Key = "network", Name = "Network", Kind = RaciPartyKind.Role },
            new() { Key = "cirt", Name = "CIRT", Kind = RaciPartyKind.Role },
            new() { Key = "platform-team", Name = "Platform (team)", Kind = RaciPartyKind.Team, TeamId = teams.GetValueOrDefault("Platform") },
            new() { Key = "app-teams", Name = "Application teams", Kind = RaciPartyKind.Role },
            new() { Key = "bu-finance", Name = "Finance (BU)", Kind = RaciPartyKind.BusinessUnit, BusinessUnitId = units.GetValueOrDefault("Finance") },
            new() { Key = "bu-hr", Name = "HR (BU)", Kind = RaciPartyKind.BusinessUnit, BusinessUnitId = units.GetValueOrDefault("HR") },
            new() { Key = "crowdstrike", Name = "CrowdStrike (vendor)", Kind = RaciPartyKind.Vendor },
            new() { Key = "msp", Name = "Managed SOC provider (vendor)", Kind = RaciPartyKind.Vendor },
        ];
        void Row(string activity, params (string Party, string Letters)[] cells)
        {
            foreach (var (party, letters) in cells)
            {
                matrix.Set(activity, party, RaciLetters.Parse(letters));
            }
        }
        Row("cloud-iam-administration", ("security", "A"), ("cloud-platform", "R"), ("network", "C"), ("app-teams", "I"), ("bu-finance", "I"), ("bu-hr", "I"));
        Row("vpc-strategy", ("cloud-platform", "A"), ("network", "R"), ("security", "C"), ("platform-team", "C"), ("app-teams", "I"));
        Row("cluster-isolation", ("network", "AR"), ("cloud-platform", "R"), ("security", "C"), ("platform-team", "I"));
        Row("instance-role-permissions", ("cloud-platform", "A"), ("platform-team", "R"), ("security", "C"));
        Row("infrastructure-pipelines", ("platform-team", "AR"), ("cloud-platform", "C"), ("security", "C"), ("app-teams", "I"));
        Row("metadata-api-protection", ("security", "A"), ("platform-team", "R"), ("network", "R"), ("cirt", "I"));
        // The deliberate gap: Security and Cloud Platform both claim registry egress.
        Row("registry-egress-golden-images", ("security", "A"), ("cloud-platform", "AR"), ("network", "R"), ("app-teams", "C"));
        Row("vulnerability-tooling", ("security", "AR"), ("platform-team", "R"), ("app-teams", "I"), ("bu-finance", "I"));
        Row("policy-exceptions", ("security", "A"), ("app-teams", "R"), ("bu-finance", "C"), ("bu-hr", "C"));
        Row("central-monitoring-siem", ("security", "A"), ("msp", "R"), ("cirt", "C"), ("platform-team", "I"));
        Row("runtime-detection-cirt", ("cirt", "A"), ("crowdstrike", "R"), ("security", "R"), ("msp", "C"), ("app-teams", "I"));
        // Version 1 leaves secrets management without an owner; version 2 fixes it.
        Row("secrets-management", ("platform-team", "C"), ("app-teams", "I"));
        Row("inventory", ("security", "A"), ("cloud-platform", "R"), ("platform-team", "R"), ("network", "C"));
        return matrix;
    }
}
