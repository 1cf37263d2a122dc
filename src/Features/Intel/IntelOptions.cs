namespace K8Posture.Features.Intel;

/// <summary>
/// Where the daily job fetches the feeds (section <c>Intel</c>). Off while a URL is empty: these machines have no internet,
/// and an operator chooses a mirror. The official feeds are
/// <c>https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json</c> and
/// <c>https://epss.cyentia.com/epss_scores-current.csv.gz</c>.
/// </summary>
public sealed class IntelOptions
{
    public const string SectionName = "Intel";
    public const string OfficialKevUrl = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
    public const string OfficialEpssUrl = "https://epss.cyentia.com/epss_scores-current.csv.gz";

    public string? KevUrl { get; set; }
    public string? EpssUrl { get; set; }
    /// <summary>Cron of the feed fetch (UTC); FIRST publishes EPSS daily around 14:00 UTC.</summary>
    public string FetchSchedule { get; set; } = "30 15 * * *";
    /// <summary>Cron of the re-score with the feeds in place: runtime alerts age out of the 7 days, clusters and exposure change.</summary>
    public string RescoreSchedule { get; set; } = "20 * * * *";
    public int MaxFeedBytes { get; set; } = 128 * 1024 * 1024;
}
