using System.Text;
using Matchmaker.Matching;

namespace Matchmaker.LoadTests;

/// <summary>
/// An instance as the square-ish matrix of an assignment solver (scipy's linear_sum_assignment): one row per child, one
/// column per free unit, and one "not placed" column per child. A unit the child may take costs what placing it is worth
/// (the five levels as one float64: class, then waiting days, then distance, each weighing more than all of the next
/// can add up to, up to float precision at the distance level); a unit it may not take is forbidden; not placed costs 0.
/// Written as a .npy file (format 1.0, little-endian float64, C order) so numpy reads it without parsing; beside it
/// MATRIX.rows.npy holds each row's priority and waiting days.
/// </summary>
public static class ExpandedMatrix
{
    public const double Forbidden = 1e300;

    public static int Write(string instancePath, string matrixPath)
    {
        var instance = InstanceJson.Parse(File.ReadAllText(instancePath));
        var rows = instance.Requests.Count;
        var unitPlaces = instance.Places.SelectMany((p, i) => Enumerable.Repeat(i, Math.Max(0, p.Units))).ToArray();
        var columns = unitPlaces.Length + rows;

        // Waiting days outweigh any sum of distances, a class outweighs any sum of waiting days, as in AllocationValue.
        const double perKm = 1e-6;
        var maxDistanceSum = instance.Requests.Sum(r => r.MaxDistanceKm) * perKm;
        var perWaitingDay = Math.Ceiling(maxDistanceSum + 1);
        var class3 = perWaitingDay * (instance.Requests.Sum(r => (double)r.WaitingDays) + 1);
        var class2 = class3 * (rows + 1);
        var class1 = class2 * (rows + 1);

        using var output = new BinaryWriter(File.Create(matrixPath));
        WriteHeader(output, rows, columns, "<f8");
        var placeCost = new double[instance.Places.Count];
        for (var r = 0; r < rows; r++)
        {
            var request = instance.Requests[r];
            var worth = (request.Priority switch { 1 => class1, 2 => class2, _ => class3 }) + perWaitingDay * request.WaitingDays;
            for (var p = 0; p < instance.Places.Count; p++)
            {
                var place = instance.Places[p];
                var distance = Geo.DistanceKm(request.Lat, request.Lon, place.Lat, place.Lon);
                var mayGo = Feasibility.FirstBroken(request, place, distance, instance.Policy) is null;
                placeCost[p] = mayGo ? -worth + distance * perKm : Forbidden;
            }
            foreach (var place in unitPlaces) output.Write(placeCost[place]);
            for (var c = 0; c < rows; c++) output.Write(c == r ? 0.0 : Forbidden);
        }
        WriteRows(instance, Path.ChangeExtension(matrixPath, ".rows.npy"));
        Console.Out.WriteLine($"{rows} rows (children) x {columns} columns ({unitPlaces.Length} units + {rows} 'not placed') -> {matrixPath}");
        return 0;
    }

    /// <summary>Per row its priority and waiting days (int64, rows x 2), so the solver's answer can be scored like the matcher's.</summary>
    private static void WriteRows(MatchingInstance instance, string path)
    {
        using var output = new BinaryWriter(File.Create(path));
        WriteHeader(output, instance.Requests.Count, 2, "<i8");
        foreach (var request in instance.Requests)
        {
            output.Write((long)request.Priority);
            output.Write((long)request.WaitingDays);
        }
    }

    private static void WriteHeader(BinaryWriter output, int rows, int columns, string type)
    {
        var header = $"{{'descr': '{type}', 'fortran_order': False, 'shape': ({rows}, {columns}), }}";
        // magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in a newline
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        output.Write((byte)0x93);
        output.Write(Encoding.ASCII.GetBytes("NUMPY"));
        output.Write((byte)1);
        output.Write((byte)0);
        output.Write((ushort)header.Length);
        output.Write(Encoding.ASCII.GetBytes(header));
    }
}
