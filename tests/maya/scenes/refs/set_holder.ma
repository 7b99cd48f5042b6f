//Maya ASCII 2018 scene
//Name: set_holder.ma
//Codeset: UTF-8
file -rdi 1 -ns "lamp" -rfn "lampRN" -typ "mayaAscii" "refs/lamp_gone.ma";
file -r -ns "lamp" -rfn "lampRN" -typ "mayaAscii" "refs/lamp_gone.ma";
requires maya "2018";
fileInfo "product" "Maya 2018";
createNode file -n "setTex";
	setAttr ".ftn" -type "string" "sourceimages/set_gone.png";
createNode transform -n "setCam";
createNode camera -n "setCamShape" -p "setCam";
// End of set_holder.ma
