using Request = Matchmaker.Matching.Request;
using Matchmaker.Matching;
using Matchmaker.Tests.Infrastructure;
using static Matchmaker.Tests.Matching.MatchBuilders;

namespace Matchmaker.Tests.Matching;

[Trait(Lane.Name, Lane.Fast)]
public sealed class MatcherCaseTests
{
    [Fact]
    public void ACrisisChild_GetsTheLastPlace_BeforeRegularChildrenWhoWaitedLonger()
    {
        var result = Solve([Place("p1")], [Child("regular", priority: 3, waitingDays: 300), Child("crisis", priority: 1, waitingDays: 1)]);

        Assert.Equal("p1", result.PlaceOf("crisis"));
        Assert.Equal(ReasonCodes.CapacityTaken, result.Left("regular").Reason);
        Assert.Contains("higher priority (crisis: 1)", result.Left("regular").Explanation);
    }

    [Fact]
    public void AmongEqualPriority_TheChildWhoWaitedLongest_IsPlaced()
    {
        var result = Solve([Place("p1")], [Child("short", waitingDays: 20), Child("long", waitingDays: 200, lat: 52.3)]);

        Assert.Equal("p1", result.PlaceOf("long"));
        Assert.Contains("waited longer", result.Left("short").Explanation);
    }

    [Fact]
    public void AHigherPriorityChild_IsMovedToAFartherPlace_WhenThatLetsAnotherChildBePlacedToo()
    {
        // The crisis child could take either place; the regular child only the near one.
        var result = Solve(
            [Place("near", lat: 52.0), Place("far", lat: 52.4)],
            [Child("crisis", priority: 1, lat: 52.0), Child("regular", priority: 3, lat: 52.0, maxDistanceKm: 10)]);

        Assert.Equal("far", result.PlaceOf("crisis"));
        Assert.Equal("near", result.PlaceOf("regular"));
        Assert.Equal([1, 0, 1], result.Objective.AssignedByPriority);
    }

    [Fact]
    public void TwoTiedChildren_AreBothPlaced_WhenTheOneWithFewerOptionsTakesTheSharedPlace()
    {
        // a and b tie (same priority and waiting days); a can only use p1, b can use p1 or p2; c ranks lower.
        var result = Solve(
            [Place("p1", lat: 52.0), Place("p2", lat: 52.5)],
            [
                Child("a", priority: 2, waitingDays: 50, lat: 52.01, maxDistanceKm: 5),
                Child("b", priority: 2, waitingDays: 50, lat: 52.02, maxDistanceKm: 100),
                Child("c", priority: 3, waitingDays: 5, lat: 52.0, maxDistanceKm: 100),
            ]);

        Assert.Equal("p1", result.PlaceOf("a"));
        Assert.Equal("p2", result.PlaceOf("b"));
        Assert.Equal([0, 2, 0], result.Objective.AssignedByPriority);
        Assert.Contains("2 went to children with higher priority", result.Left("c").Explanation);
    }

    [Fact]
    public void ATieInAHigherClass_IsResolvedSoThatTheTotalDistanceIsSmallest()
    {
        // a and b tie for the crisis class; c (urgent) can use p1 or a far place: the reference search decides.
        var places = new[] { Place("p1", lat: 52.0), Place("p2", lat: 52.16), Place("p3", lat: 52.9) };
        var requests = new[]
        {
            Child("a", priority: 1, waitingDays: 9, lat: 52.05, maxDistanceKm: 6),
            Child("b", priority: 1, waitingDays: 9, lat: 52.06, maxDistanceKm: 12),
            Child("c", priority: 2, waitingDays: 9, lat: 52.01, maxDistanceKm: 200),
        };

        var result = Solve(places, requests);
        var best = ExhaustiveSolver.Best(new MatchingInstance(places, requests, AllocationPolicy.Unrestricted));

        Assert.Equal(best.DistanceKm, result.Objective.DistanceKm, 5);
        Assert.Equal([best.P1, best.P2, best.P3], result.Objective.AssignedByPriority);
    }

    [Fact]
    public void SiblingsArePlacedTogether_OrNotAtAll()
    {
        var result = Solve(
            [Place("two", units: 2, lat: 52.3), Place("one", units: 1, lat: 52.0)],
            [Child("s1", siblings: "g"), Child("s2", siblings: "g"), Child("s3", siblings: "g2"), Child("s4", siblings: "g2")]);

        Assert.Equal("two", result.PlaceOf("s1"));
        Assert.Equal("two", result.PlaceOf("s2"));
        Assert.Equal(ReasonCodes.SiblingGroup, result.Left("s3").Reason);
        Assert.Equal(ReasonCodes.SiblingGroup, result.Left("s4").Reason);
        Assert.Contains("together", result.Assignments.Single(a => a.Request == "s1").Explanation);
    }

    [Fact]
    public void ASiblingGroup_ThatNoPlaceCanTakeTogether_IsReportedAsSuchEvenWithFreeSinglePlaces()
    {
        var result = Solve([Place("a"), Place("b")], [Child("s1", siblings: "g"), Child("s2", siblings: "g")]);

        Assert.Empty(result.Assignments);
        Assert.All(result.Unassigned, u => Assert.Equal(ReasonCodes.SiblingGroup, u.Reason));
        Assert.Contains("no feasible place has 2 free units", result.Left("s1").Explanation);
    }

    [Fact]
    public void AChildWithoutCourtAuthorisation_IsNeverPutInASecurePlace_EvenWhenItIsTheOnlyFreeOne()
    {
        var result = Solve([Place("secure", secure: true, units: 5)], [Child("child", needsSecure: false, priority: 1)]);

        Assert.Empty(result.Assignments);
        Assert.Equal(ReasonCodes.NoFeasiblePlace, result.Left("child").Reason);
        Assert.Contains("no court authorisation for secure care", result.Left("child").Explanation);
    }

    [Fact]
    public void AChildWithASecureCareAuthorisation_OnlyGoesToASecurePlace()
    {
        var result = Solve([Place("open", units: 5), Place("secure", secure: true, lat: 52.5)], [Child("child", needsSecure: true)]);

        Assert.Equal("secure", result.PlaceOf("child"));
    }

    [Fact]
    public void NoFeasiblePlace_NamesTheRuleThatExcludesMostPlaces()
    {
        var result = Solve(
            [Place("far1", lat: 53.5), Place("far2", lat: 53.6), Place("young", maxAge: 6)],
            [Child("child", age: 10, maxDistanceKm: 30)]);

        var left = result.Left("child");
        Assert.Equal(ReasonCodes.NoFeasiblePlace, left.Reason);
        Assert.Contains("2 of them are further than 30 km", left.Explanation);
    }

    [Fact]
    public void NoPlaceOfTheCareType_IsSaidPlainly()
    {
        var result = Solve([Place("p", careType: "gezinshuis")], [Child("child", careType: "secure", needsSecure: true)]);

        Assert.Equal(ReasonCodes.NoFeasiblePlace, result.Left("child").Reason);
        Assert.Contains("no secure place in the market", result.Left("child").Explanation);
    }

    [Fact]
    public void OnlyPlacesOutsideTheRegionOrUncontracted_GiveThePolicyReason()
    {
        var result = Solve(
            [Place("outside", region: "r02", contractedBy: ["r01"]), Place("uncontracted", contractedBy: ["r09"])],
            [Child("child")],
            new AllocationPolicy(AllowOutOfRegion: false, AllowNonContracted: false));

        var left = result.Left("child");
        Assert.Equal(ReasonCodes.Policy, left.Reason);
        Assert.Contains("1 outside the region", left.Explanation);
        Assert.Contains("1 not contracted", left.Explanation);
        Assert.All(left.Options, o => Assert.False(o.AllowedByPolicy));
    }

    [Fact]
    public void OnlyPlacesOutsideThePolicy_ThatAreFull_SaySo_SoNobodyEscalatesForAPlaceThatIsNotThere()
    {
        var policy = new AllocationPolicy(AllowOutOfRegion: false, AllowNonContracted: false);
        var full = Solve([Place("outside", units: 0, region: "r02", contractedBy: ["r01"])], [Child("child")], policy);
        var free = Solve([Place("outside", units: 1, region: "r02", contractedBy: ["r01"])], [Child("child")], policy);

        Assert.Equal(ReasonCodes.Policy, full.Left("child").Reason);
        Assert.Contains("It is full now", full.Left("child").Explanation);
        Assert.Contains("1 of them has a free unit now", free.Left("child").Explanation);
    }

    [Fact]
    public void AFullPlace_IsStillListedAsAnOption_AndNamedInTheReason()
    {
        var result = Solve([Place("full", units: 0), Place("other", units: 0, lat: 52.1)], [Child("child")]);

        var left = result.Left("child");
        Assert.Equal(ReasonCodes.CapacityTaken, left.Reason);
        Assert.Contains("2 already full", left.Explanation);
        Assert.Equal(["full", "other"], left.Options.Select(o => o.Place));
    }

    [Fact]
    public void Options_AreTheFiveNearestFeasiblePlaces_NearestFirst()
    {
        var places = Enumerable.Range(0, 8).Select(i => Place($"p{i}", lat: 52.0 + 0.05 * (7 - i))).ToArray();

        var result = Solve(places, [Child("child", lat: 52.0)]);

        Assert.Equal(["p7", "p6", "p5", "p4", "p3"], result.Assignments.Single().Options.Select(o => o.Place));
        Assert.Contains("nearest feasible residential place", result.Assignments.Single().Explanation);
    }

    [Fact]
    public void APlacedChild_FartherAway_IsToldWhyTheNearerPlacesWentElsewhere()
    {
        var result = Solve(
            [Place("near", lat: 52.0), Place("far", lat: 52.3)],
            [Child("crisis", priority: 1, lat: 52.0, maxDistanceKm: 5), Child("regular", priority: 3, lat: 52.0)]);

        var explanation = result.Assignments.Single(a => a.Request == "regular").Explanation;
        Assert.Equal("far", result.PlaceOf("regular"));
        Assert.Contains("1 nearer feasible place", explanation);
        Assert.Contains("higher priority (crisis: 1)", explanation);
    }

    [Fact]
    public void ForDesks_TheExplanationsAreInDutch()
    {
        var result = Matcher.Solve(new MatchingInstance(
            [Place("near", lat: 52.0)],
            [Child("crisis", priority: 1, lat: 52.0), Child("regular", priority: 3, lat: 52.0)],
            AllocationPolicy.Unrestricted), ExplanationWords.Dutch);
        var secure = Matcher.Solve(new MatchingInstance([Place("secure", secure: true)], [Child("open")], AllocationPolicy.Unrestricted),
            ExplanationWords.Dutch);

        Assert.StartsWith("Voorgesteld (0,0 km): de dichtstbijzijnde passende plek (24-uursgroep)", result.Assignments.Single().Explanation);
        Assert.Contains("naar kinderen met meer voorrang (crisis: 1)", result.Left("regular").Explanation);
        Assert.Contains("geen machtiging gesloten jeugdhulp", secure.Left("open").Explanation);
    }

    [Fact]
    public void EveryResult_CarriesThePolicyVersion() =>
        Assert.Equal(PriorityPolicy.Version, Solve([Place("p")], [Child("c")]).PolicyVersion);
}
