namespace Matchmaker.Matching.Allocation;

/// <summary>
/// The places of one kind of care in strips of latitude, each strip in order of longitude, so that a child's search
/// reads only the places inside the box around its circle of reach, not every place of its kind in the country.
/// The box only leaves out places that are surely farther away (with a margin for rounding); whether a place in it is
/// within reach is still decided by the distance itself.
/// </summary>
internal sealed class PlaceMap
{
    private const double StripDegrees = 0.1;

    private readonly int _firstStrip;
    /// <summary>Where each strip starts in <see cref="_lon"/> and <see cref="_place"/>; one more entry than there are strips.</summary>
    private readonly int[] _stripStart;
    private readonly double[] _lon;
    private readonly int[] _place;
    /// <summary>Some place lies off the map (not a latitude and longitude in range): every search reads every place.</summary>
    private readonly bool _readAll;

    private PlaceMap(IReadOnlyList<Place> places, List<int> ofKind)
    {
        _readAll = ofKind.Any(p => !OnTheMap(places[p].Lat, places[p].Lon));
        var sorted = _readAll
            ? ofKind.ToArray()
            : ofKind.OrderBy(p => Strip(places[p].Lat)).ThenBy(p => places[p].Lon).ThenBy(p => p).ToArray();
        _place = sorted;
        _lon = sorted.Select(p => places[p].Lon).ToArray();
        if (_readAll || sorted.Length == 0)
        {
            _stripStart = [0, sorted.Length];
            return;
        }
        _firstStrip = Strip(places[sorted[0]].Lat);
        var lastStrip = Strip(places[sorted[^1]].Lat);
        _stripStart = new int[lastStrip - _firstStrip + 2];
        var i = 0;
        for (var s = 0; s <= lastStrip - _firstStrip; s++)
        {
            _stripStart[s] = i;
            while (i < sorted.Length && Strip(places[sorted[i]].Lat) == s + _firstStrip) i++;
        }
        _stripStart[^1] = sorted.Length;
    }

    public static Dictionary<string, PlaceMap> ByCareType(IReadOnlyList<Place> places)
    {
        var byCareType = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var p = 0; p < places.Count; p++)
        {
            if (!byCareType.TryGetValue(places[p].CareType, out var list))
                byCareType[places[p].CareType] = list = [];
            list.Add(p);
        }
        return byCareType.ToDictionary(kind => kind.Key, kind => new PlaceMap(places, kind.Value), StringComparer.Ordinal);
    }

    /// <summary>Every place that may lie within <paramref name="km"/> of the point (and some that do not), each once.</summary>
    public Nearby Near(double lat, double lon, double km)
    {
        var all = new Nearby(this, 0, _stripStart.Length - 2, double.NegativeInfinity, double.PositiveInfinity);
        if (_readAll || !OnTheMap(lat, lon) || !(km < Math.PI * Geo.EarthRadiusKm / 4)) return all;
        var reach = Math.Max(0, km) / Geo.EarthRadiusKm;
        var latMargin = Widened(reach * 180 / Math.PI);
        if (Math.Abs(lat) + latMargin >= 90) return all;
        // The widest longitude a circle of this angular radius spans at this latitude (it contains no pole, checked above).
        var lonMargin = Widened(Math.Asin(Math.Min(1, Math.Sin(reach) / Math.Cos(lat * Math.PI / 180))) * 180 / Math.PI);
        var fromStrip = Math.Max(Strip(lat - latMargin) - _firstStrip, 0);
        var toStrip = Math.Min(Strip(lat + latMargin) - _firstStrip, _stripStart.Length - 2);
        // A box across the antimeridian: read whole strips rather than two pieces of each.
        return lon - lonMargin < -180 || lon + lonMargin > 180
            ? all with { FromStrip = fromStrip, ToStrip = toStrip }
            : new Nearby(this, fromStrip, toStrip, lon - lonMargin, lon + lonMargin);
    }

    /// <summary>A margin for rounding: the box is never narrower than the distance it stands for.</summary>
    private static double Widened(double degrees) => degrees * (1 + 1e-9) + 1e-9;

    private static bool OnTheMap(double lat, double lon) => lat is >= -90 and <= 90 && lon is >= -180 and <= 180;

    private static int Strip(double lat) => (int)Math.Floor(lat / StripDegrees);

    /// <summary>The places of strips <see cref="FromStrip"/>..<see cref="ToStrip"/> with a longitude in [<see cref="LonFrom"/>, <see cref="LonTo"/>].</summary>
    public readonly record struct Nearby(PlaceMap Map, int FromStrip, int ToStrip, double LonFrom, double LonTo)
    {
        public Enumerator GetEnumerator() => new(this);
    }

    public struct Enumerator(Nearby nearby)
    {
        private int _strip = nearby.FromStrip - 1;
        private int _index;
        private int _end;

        public int Current { get; private set; }

        public bool MoveNext()
        {
            var map = nearby.Map;
            while (true)
            {
                if (_index < _end && map._lon[_index] <= nearby.LonTo)
                {
                    Current = map._place[_index++];
                    return true;
                }
                if (++_strip > nearby.ToStrip) return false;
                _end = map._stripStart[_strip + 1];
                _index = FirstAtOrEast(map._lon, map._stripStart[_strip], _end, nearby.LonFrom);
            }
        }

        /// <summary>The first index in [from, to) whose longitude is at least <paramref name="lon"/> (the strip is in order of longitude).</summary>
        private static int FirstAtOrEast(double[] lons, int from, int to, double lon)
        {
            while (from < to)
            {
                var middle = (from + to) >>> 1;
                if (lons[middle] < lon) from = middle + 1;
                else to = middle;
            }
            return from;
        }
    }
}
