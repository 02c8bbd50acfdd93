using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Grains;

/// <summary>Answering a hold by its id: the node remembers where the holds it placed live, and the grains still judge every answer.</summary>
public abstract class HoldAnswerTests(GrainCluster market)
{
    /// <summary>A database that cannot be opened: whatever is answered without it came from memory.</summary>
    private static readonly Database Unreachable = Database.ForSqlite("Data Source=/nonexistent/matchmaker/unreachable.db;Mode=ReadOnly");

    [Fact]
    public async Task HoldsPlacedHere_AreFoundWithoutARead_WhereTheDatabaseSaysTheyLive()
    {
        var owners = new HoldOwners();
        var commands = new HoldCommands(market.Database.Database, market.Grains, owners);

        var (_, holds) = await TwoSiblingsHeldAsync(commands, nth: 7);

        Assert.Equal(2, holds.Length);
        foreach (var hold in holds)
            Assert.Equal(await RequestGrainKey.OfHoldAsync(market.Database.Database, hold.HoldId), await owners.OfAsync(Unreachable, hold.HoldId));
    }

    [Fact]
    public async Task ADecline_OfARememberedHold_FreesTheUnits_AndIsForgotten_SoAnAnswerAgainIsJudgedFromTheRows()
    {
        var owners = new HoldOwners();
        var commands = new HoldCommands(market.Database.Database, market.Grains, owners);
        var (offering, holds) = await TwoSiblingsHeldAsync(commands, nth: 8);
        var provider = await market.ProviderOfAsync(offering.Id);

        await commands.DeclineAsync(provider, holds[0].HoldId, "needs-not-met", null, null);
        await Assert.ThrowsAnyAsync<Exception>(() => owners.OfAsync(Unreachable, holds[0].HoldId));
        var again = await Assert.ThrowsAsync<MarketRuleException>(() => commands.DeclineAsync(provider, holds[0].HoldId, "needs-not-met", null, null));

        Assert.Equal(2L, await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE offering_id = @Id AND status = 'declined'", new { offering.Id }));
        Assert.Equal(offering.HeldUnits, await market.ScalarAsync<int>("SELECT held_units FROM offerings WHERE id = @Id", new { offering.Id }));
        Assert.Equal(RuleCode.HoldNotActive, again.Code);
    }

    [Fact]
    public async Task ADecline_OfAHoldWhoseTimeRanOutInTheRowsMeanwhile_IsRefusedAsExpired_AndNoUnitMoves()
    {
        var commands = new HoldCommands(market.Database.Database, market.Grains, new HoldOwners());
        var (offering, held) = await OneHeldAsync(commands, nth: 11, free: 1);
        await market.ExecuteAsync("UPDATE holds SET expires_at = @past WHERE id = @HoldId", new { past = DateTimeOffset.UtcNow.AddMinutes(-1), held.HoldId });

        var provider = await market.ProviderOfAsync(offering.Id);
        var refused = await Assert.ThrowsAsync<MarketRuleException>(() => commands.DeclineAsync(provider, held.HoldId, "needs-not-met", null, null));

        Assert.Equal(RuleCode.HoldNotActive, refused.Code);
        Assert.Contains("expired", refused.Message);
        Assert.Equal("active", await StatusAsync(held.HoldId));
        Assert.Equal(offering.HeldUnits + 1, await HeldUnitsAsync(offering.Id));
    }

    [Fact]
    public async Task ADecline_OfAHoldAnotherActivationPlaced_FindsItOnceTheOfferingsRowMoved_AndFreesItsUnit()
    {
        var commands = new HoldCommands(market.Database.Database, market.Grains, new HoldOwners());
        var (offering, known) = await OneHeldAsync(commands, nth: 12, free: 2);
        var elsewhere = Guid.NewGuid();
        await market.ExecuteAsync("""
            INSERT INTO holds (id, region_code, request_id, offering_id, status, created_at, expires_at, created_by)
            VALUES (@elsewhere, @region, @requestId, @Id, 'active', @now, @expiresAt, @desk);
            UPDATE offerings SET held_units = held_units + 1, version = version + 1 WHERE id = @Id
            """, new
        {
            elsewhere, region = GrainCluster.Region, requestId = await market.ChildForAsync(offering.Id), offering.Id,
            now = DateTimeOffset.UtcNow, expiresAt = DateTimeOffset.UtcNow.AddHours(48), desk = GrainCluster.Desk.Id,
        });

        await commands.DeclineAsync(await market.ProviderOfAsync(offering.Id), elsewhere, "needs-not-met", null, null);

        Assert.Equal("declined", await StatusAsync(elsewhere));
        Assert.Equal("active", await StatusAsync(known.HoldId));
        Assert.Equal(offering.HeldUnits + 1, await HeldUnitsAsync(offering.Id));
    }

    [Fact]
    public async Task ADecline_WhereTheRowsHeldUnitsDisagreeWithItsActiveHolds_StillDeclinesTheHoldTheRowsHave()
    {
        var commands = new HoldCommands(market.Database.Database, market.Grains, new HoldOwners());
        var (offering, held) = await OneHeldAsync(commands, nth: 13, free: 1);
        await market.ExecuteAsync("UPDATE offerings SET held_units = held_units + 1, total_units = total_units + 1, version = version + 1 WHERE id = @Id",
            new { offering.Id });

        await commands.DeclineAsync(await market.ProviderOfAsync(offering.Id), held.HoldId, "needs-not-met", null, null);

        Assert.Equal("declined", await StatusAsync(held.HoldId));
        Assert.Equal(offering.HeldUnits + 1, await HeldUnitsAsync(offering.Id));
    }

    /// <summary>One child held at the n-th offering, which had so many units free.</summary>
    private async Task<(OfferingState Offering, HoldPlaced Held)> OneHeldAsync(HoldCommands commands, int nth, int free)
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth, free);
        return (offering, (await commands.PlaceAsync(GrainCluster.Desk, await market.ChildForAsync(offering.Id), offering.Id, null, null)).Single());
    }

    private Task<string> StatusAsync(Guid holdId) => market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @holdId", new { holdId });

    private Task<int> HeldUnitsAsync(Guid offeringId) => market.ScalarAsync<int>("SELECT held_units FROM offerings WHERE id = @offeringId", new { offeringId });

    /// <summary>Two siblings of one group held together at the n-th offering, which had exactly two units free.</summary>
    private async Task<(OfferingState Offering, HoldPlaced[] Holds)> TwoSiblingsHeldAsync(HoldCommands commands, int nth)
    {
        var offering = await market.OfferingWithFreeUnitsAsync(nth, free: 2);
        var group = $"grn-{Guid.NewGuid():N}"[..20];
        var first = await market.ChildForAsync(offering.Id, group);
        await market.ChildForAsync(offering.Id, group);
        return (offering, await commands.PlaceAsync(GrainCluster.Desk, first, offering.Id, null, null));
    }

    [Fact]
    public async Task AnotherProvider_AnsweringARememberedHold_FindsNoSuchHold_AndTheHoldStaysActive()
    {
        var owners = new HoldOwners();
        var commands = new HoldCommands(market.Database.Database, market.Grains, owners);
        var offering = await market.OfferingWithFreeUnitsAsync(nth: 9, free: 1);
        var held = (await commands.PlaceAsync(GrainCluster.Desk, await market.ChildForAsync(offering.Id), offering.Id, null, null)).Single();
        var stranger = new Actor(Guid.NewGuid(), "api-client", "provider", null, Guid.NewGuid());

        var declined = await Assert.ThrowsAsync<MarketRuleException>(() => commands.DeclineAsync(stranger, held.HoldId, "needs-not-met", null, null));
        var accepted = await Assert.ThrowsAsync<MarketRuleException>(() =>
            commands.AcceptAsync(stranger, held.HoldId, DateOnly.FromDateTime(DateTime.UtcNow), null));

        Assert.Equal(RuleCode.NotFound, declined.Code);
        Assert.Equal(RuleCode.NotFound, accepted.Code);
        Assert.Equal("active", await market.ScalarAsync<string>("SELECT status FROM holds WHERE id = @HoldId", new { held.HoldId }));
    }

    [Fact]
    public async Task AHoldThatDoesNotExist_IsNotFound_AndNotRemembered()
    {
        var owners = new HoldOwners();
        var commands = new HoldCommands(market.Database.Database, market.Grains, owners);
        var provider = await market.ProviderOfAsync((await market.OfferingWithFreeUnitsAsync(nth: 10, free: 0)).Id);

        var refused = await Assert.ThrowsAsync<MarketRuleException>(() => commands.DeclineAsync(provider, Guid.NewGuid(), "needs-not-met", null, null));

        Assert.Equal(RuleCode.NotFound, refused.Code);
        Assert.Equal(0, owners.Count);
    }
}

[Collection(SqliteGrainClusterCollection.Name), Trait(Lane.Name, Lane.Fast)]
public sealed class HoldAnswerTestsOnSqlite(SqliteGrainCluster market) : HoldAnswerTests(market);

[Collection(PostgresGrainClusterCollection.Name), Trait(Lane.Name, Lane.Integration)]
public sealed class HoldAnswerTestsOnPostgres(PostgresGrainCluster market) : HoldAnswerTests(market);
