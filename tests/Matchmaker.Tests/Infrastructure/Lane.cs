namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// The lanes of the suite, as the xunit trait <c>Lane</c> on every test class (or test): <c>./test.sh --fast</c> runs
/// the fast lane alone, <c>./test.sh --filter Lane=browser</c> any other, <c>./test.sh</c> all of them.
/// <see cref="LaneTests"/> keeps every test in exactly one lane.
/// </summary>
public static class Lane
{
    public const string Name = "Lane";

    /// <summary>Pure code (the matcher, disclosure control, the demo generator) and the grains in an in-process cluster on SQLite: no PostgreSQL, Redis, browser or web host.</summary>
    public const string Fast = "fast";

    /// <summary>A web host (in process or as a real process) or a real database, SQLite and PostgreSQL.</summary>
    public const string Integration = "integration";

    /// <summary>Several real nodes, Redis: clusters, failover, start-up of a node.</summary>
    public const string Cluster = "cluster";

    /// <summary>Chromium, driven by Playwright, on a real node.</summary>
    public const string Browser = "browser";

    public static readonly IReadOnlyList<string> All = [Fast, Integration, Cluster, Browser];
}
