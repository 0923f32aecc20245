/**
 * Models on disk: {@link dev.sparsetrain.core.io.ModelFile}, a versioned binary container (named
 * tables with shapes, id maps, a JSON configuration, metadata, CRC32) written atomically, shared by
 * every model of the project; and {@link dev.sparsetrain.core.io.Npy} export of tables for Python.
 */
package dev.sparsetrain.core.io;
