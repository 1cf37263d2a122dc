using MudBlazor;

namespace K8Posture.App;

/// <summary>The one MudBlazor theme of the app and of the sign-in pages.</summary>
public static class K8PostureTheme
{
    public static readonly MudTheme Theme = new()
    {
        // Every colour that MudBlazor writes as text on white (outlined chips, text buttons, alerts, Color= on text) or
        // behind white text (filled chips and buttons) has a contrast of at least 4.5:1 there (WCAG 1.4.3); MudBlazor's
        // defaults for info, success, warning, error and tertiary are 2.1–3.7:1.
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            Secondary = "#6b46c1",
            Tertiary = "#00796b",
            Info = "#0b6bcb",
            Success = "#2e7d32",
            Warning = "#a84f00",
            Error = "#c62828",
            TextSecondary = "rgba(0,0,0,0.65)",
            AppbarBackground = "#12355e",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#6ea8fe",
            Secondary = "#b197fc",
        },
    };
}
