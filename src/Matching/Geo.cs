namespace Matchmaker.Matching;

public static class Geo
{
    public const double EarthRadiusKm = 6371.0;

    /// <summary>Great-circle distance in km (haversine).</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2) =>
        new HaversinePoint(lat1, lon1).DistanceKmTo(new HaversinePoint(lat2, lon2));
}

/// <summary>
/// A point with the sines and cosines of the haversine worked out once, so that telling whether two points lie within
/// a distance costs no trigonometry: the matcher asks it for every child and every place of its kind of care.
/// </summary>
internal readonly struct HaversinePoint(double lat, double lon)
{
    private readonly double _sinHalfLat = Math.Sin(lat * Math.PI / 360.0);
    private readonly double _cosHalfLat = Math.Cos(lat * Math.PI / 360.0);
    private readonly double _sinHalfLon = Math.Sin(lon * Math.PI / 360.0);
    private readonly double _cosHalfLon = Math.Cos(lon * Math.PI / 360.0);
    private readonly double _cosLat = Math.Cos(lat * Math.PI / 180.0);

    /// <summary>The haversine term of the two points (sin²(Δlat/2) + cos lat₁ cos lat₂ sin²(Δlon/2)); it grows with the distance.</summary>
    public double TermTo(HaversinePoint other)
    {
        var sinHalfDeltaLat = other._sinHalfLat * _cosHalfLat - other._cosHalfLat * _sinHalfLat;
        var sinHalfDeltaLon = other._sinHalfLon * _cosHalfLon - other._cosHalfLon * _sinHalfLon;
        return sinHalfDeltaLat * sinHalfDeltaLat + _cosLat * other._cosLat * sinHalfDeltaLon * sinHalfDeltaLon;
    }

    /// <summary>Great-circle distance in km: the one formula of <see cref="Geo.DistanceKm"/>, so every distance agrees to the last bit.</summary>
    public double DistanceKmTo(HaversinePoint other) =>
        2 * Geo.EarthRadiusKm * Math.Asin(Math.Min(1.0, Math.Sqrt(TermTo(other))));

    /// <summary>
    /// A term above which two points are surely further apart than <paramref name="km"/>, with a margin for rounding, so
    /// that only pairs <see cref="Geo.DistanceKm"/> would also put beyond it are left out.
    /// </summary>
    public static double SurelyBeyond(double km)
    {
        if (km >= Math.PI * Geo.EarthRadiusKm) return double.PositiveInfinity;
        var sinHalfAngle = Math.Sin(Math.Max(0, km) / (2 * Geo.EarthRadiusKm));
        return sinHalfAngle * sinHalfAngle * (1 + 1e-9) + 1e-15;
    }
}
