using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// Children (0 to 17) per jeugdregio, loaded by the operator from CBS, so regions of different sizes can be compared per
/// 10,000 children. A file as CBS StatLine exports it (CSV, ';', quoted cells, a header line): region; period; number of
/// children. The region by its code or its name (with or without "Jeugdregio " before it or a "(JZ..)" after it), the
/// period a year ("2025", or "2025*" for a provisional figure). A file is loaded whole or not at all.
/// </summary>
public static partial class RegionPopulation
{
    public sealed record Line(string RegionCode, int Year, int Children);

    public sealed record Reading(IReadOnlyList<Line> Lines, IReadOnlyList<string> Problems);

    public static Reading Read(string text, IReadOnlyList<(string Code, string Name)> regions)
    {
        var lines = new List<Line>();
        var problems = new List<string>();
        var rows = text.TrimStart('\uFEFF').Replace("\r\n", "\n").Split('\n');
        for (var i = 1; i < rows.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(rows[i])) continue;
            var cells = rows[i].Split(';').Select(c => c.Trim().Trim('"').Trim()).ToArray();
            var at = $"line {i + 1}";
            if (cells.Length < 3) { problems.Add($"{at}: expected region;period;children, got '{Shortened(rows[i])}'."); continue; }
            var region = RegionOf(cells[0], regions);
            var year = Year().Match(cells[1]);
            var childrenText = cells[2].Replace(".", "").Replace(" ", "");
            if (region is null) problems.Add($"{at}: '{Shortened(cells[0])}' is not a jeugdregio (its code or name).");
            else if (!year.Success) problems.Add($"{at}: '{Shortened(cells[1])}' is not a year.");
            else if (!int.TryParse(childrenText, NumberStyles.None, CultureInfo.InvariantCulture, out var children) || children <= 0)
                problems.Add($"{at}: '{Shortened(cells[2])}' is not a number of children above 0.");
            else if (lines.Any(l => l.RegionCode == region && l.Year == int.Parse(year.Value, CultureInfo.InvariantCulture)))
                problems.Add($"{at}: {region} {year.Value} is in the file twice.");
            else lines.Add(new Line(region, int.Parse(year.Value, CultureInfo.InvariantCulture), children));
        }
        if (lines.Count == 0 && problems.Count == 0) problems.Add("The file has no lines after its header.");
        return new Reading(lines, problems);
    }

    /// <summary>Stores the lines (a region's year loaded again is replaced), in one transaction.</summary>
    public static async Task StoreAsync(Database database, IReadOnlyList<Line> lines, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        foreach (var line in lines)
            await connection.ExecuteAsync("""
                INSERT INTO region_population (region_code, year, children, loaded_at) VALUES (@RegionCode, @Year, @Children, @now)
                ON CONFLICT (region_code, year) DO UPDATE SET children = excluded.children, loaded_at = excluded.loaded_at
                """, new { line.RegionCode, line.Year, line.Children, now }, transaction);
        await Admin.AdminCommands.AuditAsync(connection, transaction, "population-loaded", "region-population", "all", null,
            $"{lines.Count} line(s), years {string.Join(", ", lines.Select(l => l.Year).Distinct().Order())}");
        await transaction.CommitAsync();
    }

    private static string? RegionOf(string cell, IReadOnlyList<(string Code, string Name)> regions)
    {
        var name = Suffix().Replace(Prefix().Replace(cell, ""), "").Trim();
        return regions.FirstOrDefault(r => string.Equals(r.Code, cell, StringComparison.OrdinalIgnoreCase)
            || string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)).Code;
    }

    private static string Shortened(string text) => text.Length > 60 ? text[..60] + "…" : text;

    [GeneratedRegex(@"^(?:Jeugdzorgregio|Jeugdregio)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex Prefix();

    [GeneratedRegex(@"\s*\([^)]*\)\s*$")]
    private static partial Regex Suffix();

    [GeneratedRegex(@"^(19|20|21)\d\d(?=\*?$|\s)")]
    private static partial Regex Year();
}

/// <summary>The children per region as loaded (<see cref="RegionPopulation"/>): the newest year of each region that has one.</summary>
public sealed class RegionPopulations(Database database)
{
    public sealed record Latest(int Year, int Children);

    public async Task<IReadOnlyDictionary<string, Latest>> LatestAsync()
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Row>("""
            SELECT p.region_code AS RegionCode, p.year AS Year, p.children AS Children FROM region_population p
            WHERE p.year = (SELECT max(q.year) FROM region_population q WHERE q.region_code = p.region_code)
            """);
        return rows.ToDictionary(r => r.RegionCode, r => new Latest(r.Year, r.Children));
    }

    private sealed class Row
    {
        public string RegionCode { get; init; } = "";
        public int Year { get; init; }
        public int Children { get; init; }
    }
}
