using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Regions;

/// <summary>Region names for people (the code is for systems), read once and kept for a few minutes: regions rarely change.</summary>
public sealed class RegionNames(Database database, TimeProvider clock)
{
    private static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(5);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyDictionary<string, string> Names, DateTimeOffset ReadAt);

    public async Task<string> OfAsync(string code)
    {
        var snapshot = _snapshot;
        if (snapshot is null || clock.GetUtcNow() - snapshot.ReadAt > KeptFor)
        {
            await using var connection = await database.OpenAsync();
            var rows = await connection.QueryAsync<(string, string)>("SELECT code, name FROM regions");
            _snapshot = snapshot = new Snapshot(rows.ToDictionary(r => r.Item1, r => r.Item2), clock.GetUtcNow());
        }
        return snapshot.Names.GetValueOrDefault(code, code);
    }

    /// <summary>Where each region's centre is, by name (the schematic maps draw them).</summary>
    public async Task<List<(double Lat, double Lon, string Name)>> CentresAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<(double, double, string)>("SELECT lat, lon, name FROM regions ORDER BY code")).ToList();
    }
}
