// Role login and M of N flows over a PED session.
