using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Shared.Http;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace K8Posture.Features.Tenancy;

public sealed partial class TenancyAssessmentPage
{
    [Inject] private TenancyService Service { get; set; } = default!;
    [Inject] private TenancyChangeNotifier Changes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthenticationState { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Parameter] public int? Id { get; set; }
    /// <summary>The assessment a new one starts from (<c>?from=</c>): its answers are copied.</summary>
    private int? From => int.TryParse(QueryValue("from"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    private MudStepper? _stepper;
    private int _step;
    private AssessmentDetail? _detail;
    private TenancyAnswers _answers = new();
    private IReadOnlyList<AssessableApplication> _applications = [];
    private IReadOnlyList<(int Id, string Name)> _teams = [];
    private IReadOnlyList<ClusterPlacement> _placements = [];
    private List<BreadcrumbItem> _crumbs = [];
    private string? _applicationChoice;
    private string? _application;
    private int? _teamId;
    private string? _decisionComment;
    private string? _error;
    private bool _loading = true;
    private bool _busy;
    private AssessmentPermissions _permissions = new(MayCreate: false, MayWrite: false, MayDecide: false, IsAuthor: false);
    private ClaimsPrincipal _user = new();
    private IDisposable? _subscription;

    private bool Editing => _detail is null ? _permissions.MayCreate : _detail.Summary.Status == AssessmentStatus.Draft && _permissions.MayWrite;
    private TenancyResult Result => TenancyScoring.Score(_answers);
    private bool CanSave => !string.IsNullOrWhiteSpace(_application) && _teamId is not null;

    private static string Choice(AssessableApplication app) => $"{app.TeamId}|{app.Application}";

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthenticationState.GetAuthenticationStateAsync()).User;
        _subscription = Changes.Subscribe(() => InvokeAsync(async () =>
        {
            // A wizard in progress keeps its answers; a read-only view follows decisions made elsewhere.
            if (!Editing && Id is not null)
            {
                await LoadAsync();
                StateHasChanged();
            }
        }));
    }

    protected override async Task OnParametersSetAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        _loading = true;
        _error = null;
        _detail = Id is { } id ? await Service.GetAsync(id, CancellationToken.None) : null;
        _permissions = await Service.PermissionsAsync(_user, _detail?.Summary);
        _teams = await Service.ListWritableTeamsAsync(_user, CancellationToken.None);
        if (_detail is not null)
        {
            _answers = _detail.Answers.Clone();
            _application = _detail.Summary.Application;
            _teamId = _detail.Summary.OwnerTeamId;
            _placements = _detail.Summary.RunsOn;
        }
        else
        {
            _applications = await Service.ListApplicationsAsync(CancellationToken.None);
            if (From is { } from && await Service.GetAsync(from, CancellationToken.None) is { } previous)
            {
                _answers = previous.Answers.Clone();
                _application = previous.Summary.Application;
                _teamId = previous.Summary.OwnerTeamId;
                _applicationChoice = _applications.Any(a => a.Application == _application && a.TeamId == _teamId) ? $"{_teamId}|{_application}" : "";
                await LoadPlacementsAsync();
            }
        }
        _crumbs = [new("Governance", "/governance"), new("Tenancy assessments", "/governance/tenancy"), new(_detail is null ? "New" : $"#{_detail.Summary.Id}", null, disabled: true)];
        _loading = false;
    }

    private async Task ChooseApplication(string? choice)
    {
        _applicationChoice = choice;
        if (string.IsNullOrEmpty(choice))
        {
            _application = null;
            _teamId = _teams.Count == 1 ? _teams[0].Id : null;
            _placements = [];
            return;
        }
        var parts = choice.Split('|', 2);
        _teamId = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        _application = parts[1];
        await LoadPlacementsAsync();
    }

    private async Task LoadPlacementsAsync() =>
        _placements = await Service.ListPlacementsAsync(_application!, _teamId, CancellationToken.None);

    private static void Toggle<T>(List<T> list, T value, bool on)
    {
        list.Remove(value);
        if (on)
        {
            list.Add(value);
        }
    }

    private async Task SaveAsync(bool submit)
    {
        _busy = true;
        _error = null;
        try
        {
            var id = _detail?.Summary.Id;
            if (id is null)
            {
                id = await Service.CreateDraftAsync(_user, _application, _teamId, _answers, CancellationToken.None);
            }
            else
            {
                await Service.UpdateDraftAsync(_user, id.Value, _answers, CancellationToken.None);
            }
            if (submit)
            {
                await Service.SubmitAsync(_user, id.Value, CancellationToken.None);
            }
            Snackbar.Add(submit ? "Submitted to the Security Team for approval" : "Draft saved", MudBlazor.Severity.Success);
            Navigation.NavigateTo($"/governance/tenancy/{id}");
            if (Id == id)
            {
                await LoadAsync();
            }
        }
        catch (ProblemException ex)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DecideAsync(bool approve)
    {
        _busy = true;
        _error = null;
        try
        {
            if (approve)
            {
                await Service.ApproveAsync(_user, _detail!.Summary.Id, _decisionComment, CancellationToken.None);
            }
            else
            {
                await Service.RejectAsync(_user, _detail!.Summary.Id, _decisionComment, CancellationToken.None);
            }
            Snackbar.Add(approve ? "Approved" : "Rejected", MudBlazor.Severity.Success);
            _decisionComment = null;
            await LoadAsync();
        }
        catch (ProblemException ex)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private Task ReassessAsync()
    {
        Navigation.NavigateTo($"/governance/tenancy/new?from={_detail!.Summary.Id}");
        return Task.CompletedTask;
    }

    protected override void DisposePage() => _subscription?.Dispose();
}
