namespace Matchmaker.Web.Pages.National;

/// <summary>
/// A tile map of the jeugdregio's: one square tile per region, each as near to where the region lies as the others
/// allow, so every region is as large as every other and none hides behind its neighbour (as dots did in the
/// Randstad). Laid out from the regions' centres alone (no map data to vendor or keep up to date): each region in turn,
/// the most crowded first (the lonely ones have room to give way), takes the free cell of a grid nearest to its centre.
/// On the 42 jeugdregio's no tile lies more than about 35 km from its region's centre.
/// </summary>
public static class RegionTiles
{
    public sealed record Tile(string Code, int Column, int Row);

    /// <summary>A cell's side in kilometres: about the width of a small region, so the country is some 11 by 14 tiles.</summary>
    private const double CellKm = 25;

    public static IReadOnlyList<Tile> Layout(IReadOnlyList<(string Code, double Lat, double Lon)> regions)
    {
        if (regions.Count == 0) return [];
        var (north, west) = (regions.Max(r => r.Lat), regions.Min(r => r.Lon));
        var kmPerDegreeLon = 111.32 * Math.Cos(regions.Average(r => r.Lat) * Math.PI / 180);
        var ideal = regions.ToDictionary(r => r.Code, r => (X: (r.Lon - west) * kmPerDegreeLon / CellKm, Y: (north - r.Lat) * 110.57 / CellKm));
        double Crowd(string code) => ideal.Values.Sum(other =>
        {
            var (dx, dy) = (other.X - ideal[code].X, other.Y - ideal[code].Y);
            return Math.Exp(-(dx * dx + dy * dy));
        });
        var taken = new HashSet<(int, int)>();
        var tiles = new List<Tile>(regions.Count);
        foreach (var code in ideal.Keys.OrderByDescending(Crowd).ThenBy(code => code, StringComparer.Ordinal))
        {
            var (x, y) = ideal[code];
            var cell = Cells((int)Math.Round(x), (int)Math.Round(y), radius: 1 + (int)Math.Sqrt(regions.Count))
                .Where(c => !taken.Contains(c))
                .OrderBy(c => (c.Column - x) * (c.Column - x) + (c.Row - y) * (c.Row - y)).ThenBy(c => c.Row).ThenBy(c => c.Column)
                .First();
            taken.Add(cell);
            tiles.Add(new Tile(code, cell.Column, cell.Row));
        }
        // Shift so the top-left tile is at (0, 0): a crowded edge may push a tile outside the first grid.
        var (left, top) = (tiles.Min(t => t.Column), tiles.Min(t => t.Row));
        return [.. tiles.Select(t => t with { Column = t.Column - left, Row = t.Row - top })];
    }

    private static IEnumerable<(int Column, int Row)> Cells(int column, int row, int radius)
    {
        for (var r = row - radius; r <= row + radius; r++)
            for (var c = column - radius; c <= column + radius; c++)
                yield return (c, r);
    }
}
