/** {@code serve}: a saved model behind a small HTTP server (/recommend, /predict, /health). */
package dev.sparsetrain.cli.serve;
