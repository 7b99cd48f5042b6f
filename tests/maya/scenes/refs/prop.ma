//Maya ASCII 2018 scene
//Name: prop.ma
//Codeset: UTF-8
file -rdi 1 -ns "back" -rfn "backRN" -typ "mayaAscii" "refs/char.ma";
file -r -ns "back" -rfn "backRN" -typ "mayaAscii" "refs/char.ma";
requires maya "2018";
createNode file -n "propTex";
	setAttr ".ftn" -type "string" "sourceimages/prop.png";
createNode file -n "propMissing";
	setAttr ".ftn" -type "string" "sourceimages/prop_gone.png";
// End of prop.ma
