using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace K8Posture.Features.Reports;

/// <summary>
/// Resolves every font the executive report asks for to DejaVu Sans (regular and bold) embedded in this assembly
/// (src/Features/Reports/Fonts, Bitstream Vera licence beside them), so rendering never depends on the host's fonts.
/// </summary>
public sealed class ReportFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    private static readonly ConcurrentDictionary<string, byte[]> Cache = new();
    private static readonly Lock InstallLock = new();
    private static bool _installed;

    /// <summary>Installs the resolver process-wide (PDFsharp keeps one); safe to call many times.</summary>
    public static void EnsureInstalled()
    {
        lock (InstallLock)
        {
            if (_installed)
            {
                return;
            }
            if (GlobalFontSettings.FontResolver is not ReportFonts)
            {
                GlobalFontSettings.FontResolver = new ReportFonts();
            }
            _installed = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[]? GetFont(string faceName) => Cache.GetOrAdd(faceName, static name =>
    {
        using var resource = typeof(ReportFonts).Assembly.GetManifestResourceStream($"K8Posture.Reports.Fonts.{name}.ttf")
            ?? throw new InvalidOperationException($"The font {name}.ttf is not embedded in the assembly.");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    });
}
