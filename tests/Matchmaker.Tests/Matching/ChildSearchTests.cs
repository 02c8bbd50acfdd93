using Matchmaker.Matching;
using Matchmaker.Tests.Infrastructure;
using static Matchmaker.Tests.Matching.MatchBuilders;

namespace Matchmaker.Tests.Matching;

/// <summary>The desk's "zoek opnieuw voor dit kind": one child's view of the same allocation a round would make now.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class ChildSearchTests
{
    [Fact]
    public void TheChildsFreePlaces_WithinThePolicyFirst_ThenNearest_FullOnesLeftOut_AndWhereTheRoundWouldPutIt()
    {
        var instance = new MatchingInstance(
            [Place("full", units: 0, lat: 52.0), Place("elsewhere", lat: 52.01, region: "r02", contractedBy: []), Place("far", lat: 52.3), Place("near", lat: 52.1)],
            [Child("child", lat: 52.0)],
            new AllocationPolicy(AllowOutOfRegion: false, AllowNonContracted: false));

        var search = Matcher.SearchFor(instance, "child", ExplanationWords.Dutch)!;

        Assert.Equal(["near", "far", "elsewhere"], search.FreePlaces.Select(p => p.Place));
        Assert.False(search.FreePlaces.Single(p => p.Place == "elsewhere").AllowedByPolicy);
        Assert.Equal("near", search.ProposedPlace);
        Assert.Equal(Matcher.Solve(instance, ExplanationWords.Dutch).Assignments.Single().Explanation, search.Explanation);
    }

    [Fact]
    public void AChildAHigherPriorityChildOutranks_HasNoProposal_ButItsFreePlacesAndTheReason()
    {
        var instance = new MatchingInstance([Place("p1")], [Child("regular", priority: 3), Child("crisis", priority: 1, lat: 52.05)], AllocationPolicy.Unrestricted);

        var search = Matcher.SearchFor(instance, "regular", ExplanationWords.Dutch)!;

        Assert.Null(search.ProposedPlace);
        Assert.Equal("p1", Assert.Single(search.FreePlaces).Place);
        Assert.Equal(Matcher.Solve(instance, ExplanationWords.Dutch).Left("regular").Explanation, search.Explanation);
        Assert.Null(Matcher.SearchFor(instance, "nobody"));
    }
}
