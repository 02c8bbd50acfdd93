using Matchmaker.Matching;
using Matchmaker.Tests.Infrastructure;
using static Matchmaker.Tests.Matching.MatchBuilders;

namespace Matchmaker.Tests.Matching;

[Trait(Lane.Name, Lane.Fast)]
public sealed class RememberingTests
{
    [Fact]
    public void APlaceThatDeclinedAChild_IsNotProposedToItAgain_AndTheExplanationSaysSo()
    {
        var child = Child("c1") with { DeclinedPlaces = ["near"] };

        var result = Solve([Place("near", lat: 52.0), Place("far", lat: 52.3)], [child]);

        Assert.Equal("far", result.PlaceOf("c1"));
        Assert.Contains("Not proposed again: 1 place whose provider declined this child before.", result.Assignments[0].Explanation);
        Assert.DoesNotContain(result.Assignments[0].Options, o => o.Place == "near");
    }

    [Fact]
    public void ADeclinedPlace_StaysFreeForAnotherChild()
    {
        var result = Solve([Place("p1")], [Child("declined", priority: 1) with { DeclinedPlaces = ["p1"] }, Child("other", priority: 3)]);

        Assert.Equal("p1", result.PlaceOf("other"));
        Assert.Equal(ReasonCodes.NoFeasiblePlace, result.Left("declined").Reason);
        Assert.Contains("declined this child before", result.Left("declined").Explanation);
    }

    [Fact]
    public void AChildWhoseOnlyNearbyPlaceDeclinedIt_HearsTheDistanceFirst_AndTheDeclineAfter()
    {
        var result = Solve([Place("near"), Place("far1", lat: 53.0), Place("far2", lat: 53.1)], [Child("c1", maxDistanceKm: 10) with { DeclinedPlaces = ["near"] }]);

        var explanation = result.Left("c1").Explanation;
        Assert.Contains("2 of them are further than 10 km from home", explanation);
        Assert.EndsWith("Not proposed again: 1 place whose provider declined this child before.", explanation);
    }

    [Fact]
    public void APlaceThatHoldsTheChildAlready_IsNotProposedAsItsAlternative()
    {
        var result = Solve([Place("held", units: 3), Place("other", lat: 52.2)], [Child("c1") with { HeldPlaces = ["held"] }]);

        Assert.Equal("other", result.PlaceOf("c1"));
    }
}
