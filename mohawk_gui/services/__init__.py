"""Qt-free services: console configuration, the bundled engine and the connection manager."""
