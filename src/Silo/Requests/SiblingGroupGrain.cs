using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Live;
using Matchmaker.Silo.Market;
using Orleans.Placement;

namespace Matchmaker.Silo.Requests;

/// <summary>
/// A sibling group of a region (key: <c>{region}/group/{code}</c>, which never changes): siblings are matched and held
/// together by default; when that keeps them waiting the desk decides, with a reason, that they may be placed apart.
/// </summary>
public interface ISiblingGroupGrain : IGrainWithStringKey
{
    /// <summary>The open children of the group may be placed apart; refused while the group waits for a provider's answer.</summary>
    Task<SiblingSplit> Split(Actor desk, string reason);
}

[GenerateSerializer, Immutable, Alias("mm.SiblingSplit")]
public sealed record SiblingSplit([property: Id(0)] string SiblingGroup, [property: Id(1)] IReadOnlyList<Guid> Requests);

/// <summary>
/// The split first moves every member's row (taking it from any hold judged before: that hold's version check fails),
/// then looks for a hold for the group committed before (and refuses, rolling back), all in one transaction.
/// </summary>
[PreferLocalPlacement]
public sealed class SiblingGroupGrain(Database database, Journal journal, LiveFeed feed) : Grain, ISiblingGroupGrain
{
    public static string Key(string regionCode, string siblingGroup) => $"{regionCode}/group/{siblingGroup}";

    public async Task<SiblingSplit> Split(Actor desk, string reason)
    {
        var key = this.GetPrimaryKeyString();
        var regionCode = key[..key.IndexOf("/group/", StringComparison.Ordinal)];
        var group = key[(regionCode.Length + "/group/".Length)..];
        if (desk.RegionCode != regionCode) throw MarketRuleException.NotFound("This sibling group");
        reason = PlainText.JudgeReason(reason);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var members = await SiblingGroups.LeaveAsync(connection, transaction, regionCode, group);
        if (members.Count == 0) throw MarketRuleException.NotFound("This sibling group");
        if (await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM holds WHERE region_code = @regionCode AND sibling_group = @group AND status = 'active'",
                new { regionCode, group }, transaction) > 0)
            throw new MarketRuleException(RuleCode.SiblingsHeld,
                "A sibling still has a hold for the group; wait for the provider's answer or release it first.");
        var record = journal.Record();
        foreach (var member in members)
        {
            record.Audit(desk, "siblings-split", "request", member.Id.ToString(), regionCode, $"group {group}: {reason}");
            record.Publish(new MarketEvent(MarketEvent.RequestChanged, regionCode, null, member.Id.ToString(), member.Version,
                new RequestChangedPayload(member.Id, "open", member.Version)));
        }
        var changes = await record.CommitAsync(connection, transaction);
        feed.Publish(changes);
        return new SiblingSplit(group, [.. members.Select(m => m.Id)]);
    }
}
