using K8Posture.Data;
using K8Posture.Features.Organisation;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace K8Posture.ComponentTests.Features.Organisation;

/// <summary>A portal with the real organisation service over SQLite, a Security admin signed in, and MudBlazor's providers rendered.</summary>
internal static class OrganisationPortal
{
    public static TestPortal Create()
    {
        var portal = new TestPortal();
        portal.Context.Services.AddSingleton(TimeProvider.System);
        portal.Context.Services.AddSingleton<AuditLog>();
        portal.Context.Services.AddMemoryCache();
        portal.Context.Services.AddOrganisation();
        portal.SignIn("Ada Admin", Roles.SecurityAdmin);
        portal.Context.Render<MudPopoverProvider>();
        return portal;
    }

    public static IRenderedComponent<MudDialogProvider> Dialogs(this TestPortal portal) => portal.Context.Render<MudDialogProvider>();

    public static async Task<Team> AddTeamAsync(this TestPortal portal, string name, string? businessUnit = null, Action<Team>? configure = null)
    {
        await using var db = portal.CreateSystemContext();
        var team = new Team { Name = name };
        if (businessUnit is not null)
        {
            team.BusinessUnit = await db.BusinessUnits.FirstOrDefaultAsync(b => b.Name == businessUnit) ?? new BusinessUnit { Name = businessUnit };
        }
        configure?.Invoke(team);
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return team;
    }

    /// <summary>Types into a MudBlazor input found by its data-testid, committed as leaving the field does (MudBlazor inputs bind on change).</summary>
    public static void Type<TComponent>(this IRenderedComponent<TComponent> cut, string testId, string value) where TComponent : Microsoft.AspNetCore.Components.IComponent
    {
        var input = cut.Find($"[data-testid={testId}] input, [data-testid={testId}] textarea, input[data-testid={testId}], textarea[data-testid={testId}]");
        input.Change(value);
    }

    /// <summary>The error text MudBlazor shows under the input with <paramref name="testId"/>, or "" when it shows none.</summary>
    public static string FieldError<TComponent>(this IRenderedComponent<TComponent> cut, string testId) where TComponent : Microsoft.AspNetCore.Components.IComponent
    {
        var control = cut.Find($"[data-testid={testId}]").Closest(".mud-input-control")!;
        return control.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";
    }

    /// <summary>Chooses <paramref name="value"/> in the dialog's only string select, as picking it from the open list does.</summary>
    public static Task ChooseAsync(this IRenderedComponent<MudDialogProvider> dialogs, string value) =>
        dialogs.InvokeAsync(() => dialogs.FindComponent<MudSelect<string>>().Instance.SelectOption(value));
}
