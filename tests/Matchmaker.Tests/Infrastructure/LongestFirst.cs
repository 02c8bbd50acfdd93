using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Matchmaker.Tests.Infrastructure.LongestFirst", "Matchmaker.Tests")]

namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// Starts the test collections that take longest first, so that on a machine with few cores the short ones fill the
/// gaps at the end instead of one long collection starting last (xunit runs collections side by side, a collection's
/// tests one after another). Only the order of starting changes; collections not named here follow in name order.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private static readonly string[] Longest =
    [
        "browser",
        "Matchmaker.Tests.Cluster.FailoverTests",
        "security",
        "three-node cluster",
        "Matchmaker.Tests.Figures.HeavyWorkPageTests",
        "market: views",
        "market: forms",
        "market: flows",
        "Matchmaker.Tests.Cluster.ClusterStartupTests",
        "Matchmaker.Tests.Security.LiveHubTests",
        "Matchmaker.Tests.Foundation.DemoSeedTests",
        "Matchmaker.Tests.Matching.WarmStartTests",
        "Matchmaker.Tests.Cluster.RestartTests",
        "Matchmaker.Tests.Foundation.AdminCommandTests",
        "Matchmaker.Tests.Foundation.BackupTests",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ThenBy(collection => collection.DisplayName, StringComparer.Ordinal);

    private static int Rank(ITestCollection collection)
    {
        // A class without a collection of its own is in one named "Test collection for <class>".
        var name = collection.DisplayName.Replace("Test collection for ", "", StringComparison.Ordinal);
        var rank = Array.IndexOf(Longest, name);
        return rank < 0 ? Longest.Length : rank;
    }
}
