using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// The state of the market a figure is computed on, so that equal versions mean equal inputs. Every change of a request,
/// a hold or an offering writes a row to the change log (the outbox) in its own transaction (<see cref="Market.ChangeRecord"/>),
/// so the newest sequence number moves with every change. On PostgreSQL a transaction can take a lower number and commit
/// after a higher one: the number of rows among the last <see cref="Window"/> numbers moves then. The day is part of it
/// because waiting days, priorities and norms move with the date. Not covered: direct writes outside the engine
/// (<c>seed --reset</c>, a restore), after which a node should be restarted.
/// </summary>
public readonly record struct MarketVersion(long Sequence, long Recent, DateOnly Day)
{
    /// <summary>How far back a late commit is still seen: far more numbers than there are transactions in flight at once.</summary>
    public const int Window = 1000;

    public override string ToString() => $"{Sequence}-{Recent}-{Day:yyyyMMdd}";

    public static async Task<MarketVersion> ReadAsync(Database database, DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var (sequence, recent) = await connection.QuerySingleAsync<(long, long)>("""
            SELECT coalesce(max(id), 0), count(*) FROM outbox
            WHERE id > (SELECT coalesce(max(id), 0) FROM outbox) - @window
            """, new { window = Window });
        return new MarketVersion(sequence, recent, day);
    }
}
