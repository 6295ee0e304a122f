import PED
