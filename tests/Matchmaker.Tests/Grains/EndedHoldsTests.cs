using System.Text.Json;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Requests;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Grains;

[Trait(Lane.Name, Lane.Fast)]
public sealed class EndedHoldsTests
{
    [Fact]
    public void AHoldTheFeedSaysWasDeclinedReleasedOrExpired_HasEnded_AndOneStillActive_HasNot()
    {
        var ended = new EndedHolds();
        var (declined, released, expired, placed) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        ended.HeardOf([Hold(declined, "declined"), Hold(released, "released"), Hold(expired, "expired"), Hold(placed, "active")]);

        Assert.True(ended.Ended(declined) && ended.Ended(released) && ended.Ended(expired));
        Assert.False(ended.Ended(placed));
    }

    [Fact]
    public void OtherTopics_AndPayloadsItCannotRead_EndNothing()
    {
        var ended = new EndedHolds();
        var hold = Guid.NewGuid();

        ended.HeardOf([Hold(hold, "declined") with { Topic = MarketEvent.AvailabilityChanged }, Hold(hold, "declined") with { Payload = "{not json" },
            Hold(hold, "declined") with { Payload = null! }]);

        Assert.False(ended.Ended(hold));
    }

    [Fact]
    public void PastItsCapacity_TheMemoryStartsAgain()
    {
        var ended = new EndedHolds();
        var first = Guid.NewGuid();
        ended.HeardOf([Hold(first, "declined")]);

        ended.HeardOf(Enumerable.Range(0, EndedHolds.Capacity).Select(_ => Hold(Guid.NewGuid(), "declined")));

        Assert.False(ended.Ended(first));
    }

    private static MarketChange Hold(Guid holdId, string status) =>
        new(1, MarketEvent.HoldChanged, "rijnmond", Guid.NewGuid(), holdId.ToString(), 1,
            JsonSerializer.Serialize(new HoldChangedPayload(holdId, Guid.NewGuid(), Guid.NewGuid(), status, null), Journal.EventJson));
}
