using BenchmarkDotNet.Attributes;
using Matchmaker.Matching;

namespace Matchmaker.LoadTests;

/// <summary>The matcher on one region and on the whole country (figures in docs/performance.md).</summary>
[MemoryDiagnoser]
public class MatcherBenchmarks
{
    private MatchingInstance _region = null!;
    private MatchingInstance _regionWithoutSiblings = null!;
    private MatchingInstance _country = null!;

    [GlobalSetup]
    public void Setup()
    {
        _region = MarketInstances.Region(seed: 1);
        _regionWithoutSiblings = MarketInstances.Region(seed: 1, siblingShare: 0);
        _country = MarketInstances.Country(seed: 1);
    }

    [Benchmark(Description = "region: 500 requests, 400 offerings, 2,000 units, 4% in sibling groups")]
    public MatchingResult Region() => Matcher.Solve(_region);

    [Benchmark(Description = "region: 500 requests, 400 offerings, 2,000 units, no sibling groups")]
    public MatchingResult RegionWithoutSiblings() => Matcher.Solve(_regionWithoutSiblings);

    [Benchmark(Description = "country: 10,000 requests, 5,000 offerings, 40,000 units, out-of-region allowed")]
    public MatchingResult Country() => Matcher.Solve(_country);
}
