namespace K8Posture.BrowserTests.Infrastructure;

/// <summary>The same app and browser over an empty database (Demo:Seed=false), as a fresh production install starts.</summary>
public sealed class EmptyBrowserAppFixture() : BrowserAppFixture(seedDemo: false);

/// <summary>
/// Classes that each start their own empty app (a class fixture of <see cref="EmptyBrowserAppFixture"/>): one at a
/// time, since what one class adds would fill the other's empty pages if they shared an app.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EmptyBrowserCollection
{
    public const string Name = "browser, empty database";
}
