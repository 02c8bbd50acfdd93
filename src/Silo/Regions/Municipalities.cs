using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Regions;

/// <summary>A municipality a child can live in; its region is the desk its request goes to.</summary>
public sealed class MunicipalityOption
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string RegionCode { get; init; } = "";
    public string RegionName { get; init; } = "";
    public double Lat { get; init; }
    public double Lon { get; init; }
}

/// <summary>The municipalities of the country, by region: what the request forms and the figures offer to choose from.</summary>
public sealed class Municipalities(Database database)
{
    /// <summary>The municipalities of one region, or of every region when <paramref name="regionCode"/> is null.</summary>
    public async Task<List<MunicipalityOption>> ListAsync(string? regionCode)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<MunicipalityOption>("""
            SELECT m.id AS Id, m.name AS Name, m.region_code AS RegionCode, r.name AS RegionName, m.lat AS Lat, m.lon AS Lon
            FROM municipalities m JOIN regions r ON r.code = m.region_code
            WHERE @regionCode IS NULL OR m.region_code = @regionCode
            ORDER BY r.name, m.name
            """, new { regionCode })).ToList();
    }
}
