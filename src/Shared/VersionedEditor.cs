using K8Posture.Shared.Http;
using MudBlazor;

namespace K8Posture.Shared;

/// <summary>
/// The save-and-compare half of a page that edits a versioned document (the policy, the RACI matrix): the comment, saving
/// a new version through the slice's service (which checks the caller's role again), a refusal's detail shown rather than
/// thrown, and the changes between two versions.
/// </summary>
public sealed class VersionedEditor<TChange>(string documentName, Func<int, int, CancellationToken, Task<IReadOnlyList<TChange>?>> diff, ISnackbar snackbar)
{
    public string? Comment { get; set; }
    public string? Error { get; private set; }
    public bool Saving { get; private set; }
    public IReadOnlyList<TChange>? Diff { get; private set; }
    public int DiffFrom { get; private set; }
    public int DiffTo { get; private set; }

    /// <summary>Saves with the comment, reloads the page, and shows what the new version changed; a refusal lands in <see cref="Error"/>.</summary>
    public async Task SaveAsync(Func<string?, Task<int>> saveNewVersion, Func<Task> reload)
    {
        Error = null;
        Saving = true;
        try
        {
            var version = await saveNewVersion(Comment);
            snackbar.Add($"Saved {documentName} version {version}", Severity.Success);
            Comment = null;
            await reload();
            await ShowDiffAsync(version - 1, version);
        }
        catch (ProblemException ex)
        {
            Error = ex.Message;
        }
        finally
        {
            Saving = false;
        }
    }

    public async Task ShowDiffAsync(int from, int to)
    {
        DiffFrom = from;
        DiffTo = to;
        Diff = await diff(from, to, CancellationToken.None);
    }
}
