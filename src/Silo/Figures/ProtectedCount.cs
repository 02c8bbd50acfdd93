using System.Globalization;

namespace Matchmaker.Silo.Figures;

/// <summary>A published count of children: shown as its number, or as "x" when hidden to protect small counts.</summary>
public readonly record struct ProtectedCount(int Value, bool Hidden)
{
    public const string Mark = "x";

    public override string ToString() => Hidden ? Mark : Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>For charts: null where hidden.</summary>
    public int? Plotted => Hidden ? null : Value;
}

/// <summary>A published change in a count of children: its size under the small-count rule, and whether it is a decrease.</summary>
public readonly record struct SignedCount(bool Negative, ProtectedCount Count)
{
    public int Value => Negative ? -Count.Value : Count.Value;

    public int? Plotted => Count.Hidden ? null : Value;

    public override string ToString() => Count.Hidden ? ProtectedCount.Mark : Value > 0 ? $"+{Count}" : Value < 0 ? $"−{Count}" : "0";
}
