"""Back office: DJPb units work their tickets within the norma waktu."""
