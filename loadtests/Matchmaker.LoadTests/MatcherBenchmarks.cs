using BenchmarkDotNet.Attributes;
using Matchmaker.Matching;
using Matchmaker.Matching.Purchasing;

namespace Matchmaker.LoadTests;

/// <summary>The matcher on one region and on the whole country (figures in docs/performance.md).</summary>
[MemoryDiagnoser]
public class MatcherBenchmarks
{
    private MatchingInstance _region = null!;
    private MatchingInstance _regionWithoutSiblings = null!;
    private MatchingInstance _country = null!;
    private MatchingInstance _countryWithSiblings = null!;
    private List<string> _regionCareTypes = null!;
    private (double Lat, double Lon) _regionCentre;
    private static readonly DateOnly Today = new(2026, 12, 2);

    [GlobalSetup]
    public void Setup()
    {
        _region = MarketInstances.Region(seed: 1);
        _regionWithoutSiblings = MarketInstances.Region(seed: 1, siblingShare: 0);
        _country = MarketInstances.Country(seed: 1);
        _countryWithSiblings = MarketInstances.Country(seed: 1, siblingShare: 0.04);
        _regionCareTypes = [.. _region.Requests.Select(r => r.CareType).Distinct().Order(StringComparer.Ordinal)];
        _regionCentre = (_region.Requests.Average(r => r.Lat), _region.Requests.Average(r => r.Lon));
    }

    [Benchmark(Description = "region: 500 requests, 400 offerings, 2,000 units, 4% in sibling groups")]
    public MatchingResult Region() => Matcher.Solve(_region);

    [Benchmark(Description = "region: 500 requests, 400 offerings, 2,000 units, no sibling groups")]
    public MatchingResult RegionWithoutSiblings() => Matcher.Solve(_regionWithoutSiblings);

    [Benchmark(Description = "country: 10,000 requests, 5,000 offerings, 40,000 units, out-of-region allowed")]
    public MatchingResult Country() => Matcher.Solve(_country);

    [Benchmark(Description = "sweep: the region above, every care type x +1..+10 places (what-if for purchasing)")]
    public IReadOnlyList<SweepRow> Sweep() => WhatIf.Sweep(_region, _regionCareTypes,
        careType => new Purchase(careType, 1, 0, 23, Specialisms.All, _regionCentre.Lat, _regionCentre.Lon), _region.Requests[0].RegionId, Today);

    [Benchmark(Description = "national re-match: 10,000 requests (4% in sibling groups), 5,000 offerings, one national pool")]
    public Pooling.PoolOutcome NationalRematch() => Pooling.Solve(_countryWithSiblings, _ => "nl", Today);

    [Benchmark(Description = "allocation only (no explanations): the region above")]
    public PlacedRequests RegionAllocate() => Matcher.Allocate(_region);
}
