namespace Matchmaker.Web.Pages.Desk;

/// <summary>
/// A map without a tile server: the child's home in the middle, rings at round distances, the free places around it
/// and the region centres for orientation, projected flat (equirectangular at the child's latitude; at Dutch scale
/// the error is well under a kilometre). Drawn as SVG; the same places are in the table beside it.
/// </summary>
public sealed class SchematicMap
{
    /// <summary>Half the width of the SVG's view box.</summary>
    public const double Half = 200;
    private const double Inner = Half - 12;

    public sealed record Point(double X, double Y, string Label, int FreeUnits, double DistanceKm);

    public required double RadiusKm { get; init; }
    public required IReadOnlyList<(double Radius, int Km)> Rings { get; init; }
    public required IReadOnlyList<Point> Places { get; init; }
    public required IReadOnlyList<Point> RegionCentres { get; init; }

    public static SchematicMap Around(double lat, double lon, double radiusKm,
        IEnumerable<(double Lat, double Lon, string Label, int FreeUnits)> places, IEnumerable<(double Lat, double Lon, string Name)> regions)
    {
        var scale = Inner / radiusKm;
        var kmPerDegreeLon = 111.32 * Math.Cos(lat * Math.PI / 180);
        Point? Project(double pLat, double pLon, string label, int free)
        {
            var (east, north) = ((pLon - lon) * kmPerDegreeLon, (pLat - lat) * 110.57);
            var distance = Math.Sqrt(east * east + north * north);
            return distance > radiusKm ? null : new Point(Math.Round(east * scale, 1), Math.Round(-north * scale, 1), label, free, distance);
        }
        return new SchematicMap
        {
            RadiusKm = radiusKm,
            Rings = [.. new[] { 10, 25, 50, 100, 200 }.Where(km => km <= radiusKm).Select(km => (Math.Round(km * scale, 1), km))],
            Places = [.. places.Select(p => Project(p.Lat, p.Lon, p.Label, p.FreeUnits)).OfType<Point>().OrderBy(p => p.DistanceKm)],
            RegionCentres = [.. regions.Select(r => Project(r.Lat, r.Lon, r.Name, 0)).OfType<Point>()],
        };
    }

    /// <summary>A number for an SVG attribute: always with a decimal point, whatever the culture.</summary>
    public static string Svg(double value) => value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A place's dot grows with its free units (up to six), so the eye finds room first.</summary>
    public static double DotRadius(int freeUnits) => 3 + Math.Min(Math.Max(freeUnits, 0), 6);
}
