using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Figures;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Silo.Admin;

/// <summary><c>population load --file PATH</c> (a CBS export, docs/open-data.md) and <c>population list</c>.</summary>
internal static class PopulationCommands
{
    public static async Task<int> RunAsync(string? verb, Dictionary<string, string> options, IConfiguration configuration)
    {
        await using var database = Database.FromConfiguration(configuration);
        switch (verb)
        {
            case "load":
                if (AdminCommands.Missing(options, "file") is { } missing) return AdminCommands.Fail(missing);
                if (!File.Exists(options["file"])) return AdminCommands.Fail($"No file '{options["file"]}'.");
                var regions = await RegionsAsync(database);
                var reading = RegionPopulation.Read(await File.ReadAllTextAsync(options["file"]), regions, DateTime.UtcNow.Year);
                if (reading.Problems.Count > 0)
                {
                    foreach (var problem in reading.Problems) Console.Error.WriteLine(problem);
                    if (reading.Problems.Count >= RegionPopulation.MaxProblems) Console.Error.WriteLine($"Stopped reading after {RegionPopulation.MaxProblems} problems.");
                    return AdminCommands.Fail("Nothing was loaded: mend the file and load it again.");
                }
                await RegionPopulation.StoreAsync(database, reading.Lines, DateTimeOffset.UtcNow);
                var without = regions.Select(r => r.Code).Except(reading.Lines.Select(l => l.RegionCode)).ToList();
                Console.Out.WriteLine($"Loaded {reading.Lines.Count} line(s) for {reading.Lines.Select(l => l.RegionCode).Distinct().Count()} region(s)."
                    + (without.Count > 0 ? $" Not in the file: {string.Join(", ", without)}." : ""));
                return 0;
            case "list":
                var latest = await new RegionPopulations(database).LatestAsync();
                foreach (var (code, _) in await RegionsAsync(database))
                    Console.Out.WriteLine(latest.TryGetValue(code, out var l) ? $"{code,-28} {l.Year} {l.Children,9:N0}" : $"{code,-28} -");
                return 0;
            default:
                return AdminCommands.Fail("Use 'population load --file PATH' or 'population list'.");
        }
    }

    private static async Task<IReadOnlyList<(string Code, string Name)>> RegionsAsync(Database database)
    {
        await using var connection = await database.OpenAsync();
        return [.. await connection.QueryAsync<(string, string)>("SELECT code, name FROM regions ORDER BY code")];
    }
}
