using System.Text.Json;
using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Offerings;

/// <summary>
/// A provider's spreadsheet, previewed and then applied. The preview judges every row and keeps the plan here (the
/// browser holds only its id, so a tampered plan cannot be posted back); applying claims the plan once and sets each
/// offering through its grain only if it is still at the version the preview read. If any offering changed, what was
/// applied is set back and nothing stays applied.
/// </summary>
public sealed class CapacitySheets(Database database, OfferingReads offerings, IGrainFactory grains, TimeProvider clock)
{
    /// <summary>How long a preview can be applied: long enough to read it, short enough that its figures still hold.</summary>
    public static readonly TimeSpan PlanLifetime = TimeSpan.FromHours(1);

    public sealed record Preview(Guid? PlanId, CapacitySheet.Reading Reading);

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task<string> DownloadAsync(Actor provider) => CapacitySheet.Write(await offerings.OwnAsync(provider.OrganisationId ?? Guid.Empty));

    /// <summary>Judges the upload against the provider's offerings as they are now; keeps the plan when there is something to apply.</summary>
    public async Task<Preview> PreviewAsync(Actor provider, string text)
    {
        var reading = CapacitySheet.Read(text, await offerings.OwnAsync(provider.OrganisationId ?? Guid.Empty), Today);
        if (reading.Changes.Count == 0) return new Preview(null, reading);
        var planId = Guid.NewGuid();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        await connection.ExecuteAsync("""
            INSERT INTO capacity_sheet_plans (id, provider_id, created_by, created_at, changes)
            VALUES (@planId, @providerId, @createdBy, @now, @changes)
            """, new { planId, providerId = provider.OrganisationId, createdBy = provider.Id, now = clock.GetUtcNow(),
            changes = JsonSerializer.Serialize(reading.Changes, Journal.EventJson) }, transaction);
        await transaction.CommitAsync();
        return new Preview(planId, reading);
    }

    /// <summary>Applies the plan all or nothing; returns how many offerings changed. SheetPlanUnknown or SheetPlanStale otherwise.</summary>
    public async Task<int> ApplyAsync(Actor provider, Guid planId)
    {
        var changes = await ClaimAsync(provider, planId);
        var applied = new List<(CapacitySheet.Change Change, long Version)>();
        foreach (var change in changes)
        {
            try
            {
                var state = await grains.GetGrain<IOfferingGrain>(change.OfferingId)
                    .SetCapacityIfUnchanged(provider, change.Total, change.Occupied, change.EarliestStart, change.Version);
                applied.Add((change, state.Version));
            }
            catch (MarketRuleException)
            {
                await SetBackAsync(provider, applied);
                throw new MarketRuleException(RuleCode.SheetPlanStale, "An offering changed since the preview; nothing was applied.");
            }
        }
        return applied.Count;
    }

    /// <summary>The plan's changes, taken once: a second apply, another provider's plan or an old one finds nothing.</summary>
    private async Task<List<CapacitySheet.Change>> ClaimAsync(Actor provider, Guid planId)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var now = clock.GetUtcNow();
        var json = await connection.QuerySingleOrDefaultAsync<string>("""
            UPDATE capacity_sheet_plans SET applied_at = @now
            WHERE id = @planId AND provider_id = @providerId AND applied_at IS NULL AND created_at > @since
            RETURNING changes
            """, new { planId, providerId = provider.OrganisationId, now, since = now - PlanLifetime }, transaction)
            ?? throw new MarketRuleException(RuleCode.SheetPlanUnknown, "This preview does not exist, was applied already or is too old.");
        await transaction.CommitAsync();
        return JsonSerializer.Deserialize<List<CapacitySheet.Change>>(json, Journal.EventJson) ?? [];
    }

    /// <summary>Puts back what was applied, each only if nobody changed it since; what cannot be put back is left for the provider to see.</summary>
    private async Task SetBackAsync(Actor provider, IEnumerable<(CapacitySheet.Change Change, long Version)> applied)
    {
        foreach (var (change, version) in applied.Reverse())
        {
            try
            {
                await grains.GetGrain<IOfferingGrain>(change.OfferingId)
                    .SetCapacityIfUnchanged(provider, change.OldTotal, change.OldOccupied, change.OldStart, version);
            }
            catch (MarketRuleException)
            {
                // Someone changed it again since our write: their figures stand.
            }
        }
    }
}
