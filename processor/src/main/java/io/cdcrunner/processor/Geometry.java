package io.cdcrunner.processor;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A spatial value ({@code GEOMETRY}, {@code POINT}, {@code LINESTRING}, {@code POLYGON}, the {@code MULTI} types,
 * {@code GEOMETRYCOLLECTION}): its spatial reference system id and its well-known binary (WKB), as the server stores
 * them. Immutable: {@link #wkb()} returns a copy.
 */
public final class Geometry {

    private final int srid;
    private final byte[] wkb;

    private Geometry(int srid, byte[] wkb) {
        this.srid = srid;
        this.wkb = wkb;
    }

    /** A value with spatial reference system {@code srid} (0 when the value has none) and the WKB {@code wkb}. */
    public static Geometry of(int srid, byte[] wkb) {
        return new Geometry(srid, wkb.clone());
    }

    /** The spatial reference system id; 0 (the server's default) when the value was written without one. */
    public int srid() {
        return srid;
    }

    /** The value's well-known binary, without the SRID (what {@code ST_AsWKB} returns); a fresh copy. */
    public byte[] wkb() {
        return wkb.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Geometry that && srid == that.srid && Arrays.equals(wkb, that.wkb);
    }

    @Override
    public int hashCode() {
        return 31 * srid + Arrays.hashCode(wkb);
    }

    /** {@code SRID=4326;0101000000...}: the SRID and the WKB in hexadecimal, the same text for equal values. */
    @Override
    public String toString() {
        return "SRID=" + srid + ";" + HexFormat.of().formatHex(wkb);
    }
}
