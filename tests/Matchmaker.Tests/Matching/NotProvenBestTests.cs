using Matchmaker.Matching;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Web.Pages.Desk;

namespace Matchmaker.Tests.Matching;

/// <summary>The desk reads how much better an allocation could be at the first step of the order where it could differ.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class NotProvenBestTests
{
    private static readonly Objective Reached = new([2, 5, 9], 400, 120.0);

    [Fact]
    public void ABoundWithMoreUrgentChildren_SaysHowManyMoreOfTheFirstClassThatDiffers() =>
        Assert.Equal("Een betere verdeling zou hooguit 2 kinderen met urgentie spoed meer plaatsen, met evenveel kinderen van hogere urgentie.",
            NotProvenBest.Describe(Reached, new Objective([2, 7, 8], 380, 100.0)));

    [Fact]
    public void ABoundWithTheSameChildrenPerClass_SpeaksOfWaitingDays_ThenOfDistance()
    {
        Assert.Equal("Een betere verdeling plaatst evenveel kinderen per urgentie, en kinderen die samen hooguit 1 dag langer wachten.",
            NotProvenBest.Describe(Reached, new Objective([2, 5, 9], 401, 150.0)));
        Assert.Equal("Een betere verdeling plaatst evenveel kinderen per urgentie, die even lang wachten, met hooguit 3,3 km minder reisafstand in totaal.",
            NotProvenBest.Describe(Reached, new Objective([2, 5, 9], 400, 116.7)));
        // Less than it could round to: not "0 km".
        Assert.Equal("Een betere verdeling plaatst evenveel kinderen per urgentie, die even lang wachten, met minder dan 0,1 km minder reisafstand in totaal.",
            NotProvenBest.Describe(Reached, new Objective([2, 5, 9], 400, 119.98)));
    }

    [Fact]
    public void ARoundProvenBest_OrStoredBeforeRoundsSaid_SaysNothing()
    {
        Assert.Null(NotProvenBest.Describe(Reached, null));
        Assert.Null(NotProvenBest.Describe(null, new Objective([3, 5, 9], 400, 120.0)));
    }
}
