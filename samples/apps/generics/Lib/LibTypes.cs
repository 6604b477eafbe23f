using System.Runtime.CompilerServices;

namespace GenericsLib;

/// <summary>Small blittable struct defined outside the app assembly.</summary>
public struct LibPoint : IEquatable<LibPoint>
{
    public int X;
    public int Y;

    public LibPoint(int x, int y) { X = x; Y = y; }

    public readonly bool Equals(LibPoint other) => X == other.X && Y == other.Y;
    public override readonly bool Equals(object? obj) => obj is LibPoint p && Equals(p);
    public override readonly int GetHashCode() => unchecked(X * 31 + Y);
    public override readonly string ToString() => $"({X},{Y})";
}

/// <summary>Struct with a GC reference, defined outside the app assembly.</summary>
public struct LibTagged<T>
{
    public string Tag;
    public T Payload;

    public LibTagged(string tag, T payload) { Tag = tag; Payload = payload; }

    public override readonly string ToString() => Tag + ":" + Payload;
}

public enum LibKind : short
{
    None = 0,
    Alpha = 1,
    Beta = 2,
    Gamma = -3,
}

/// <summary>A generic class defined in the library; the app instantiates it over app types.</summary>
public sealed class LibRing<T>
{
    private readonly T[] _items;
    private int _next;

    public LibRing(int capacity) { _items = new T[capacity]; }

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Push(T item)
    {
        _items[_next] = item;
        _next = (_next + 1) % _items.Length;
        if (Count < _items.Length) Count++;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public TAcc Fold<TAcc>(TAcc seed, Func<TAcc, T, TAcc> f)
    {
        TAcc acc = seed;
        for (int i = 0; i < Count; i++)
            acc = f(acc, _items[i]);
        return acc;
    }
}

public static class LibStatics<T>
{
    // Non-GC and GC statics on a generic type from another assembly.
    public static long Hits;
    public static T? LastSeen;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Record(T value) { Hits++; LastSeen = value; }
}
